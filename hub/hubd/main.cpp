// hubd: the edge hub service. Options: hubd --help. Wiring: hub_service.h.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "hubd/hub_service.h"
#include "hubd/hubd_options.h"

namespace {

constexpr int kExitStartupFailed = 1;
constexpr int kExitBadOptions = 2;

// SIGTERM/SIGINT are blocked in every thread (before any is created) and
// taken synchronously by sigwait in main.
sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return signals;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "hubd: the edge hub service. Runs the MQTT broker (mosquitto with the registry plugin), "
      "stores device telemetry in durable streams, sends commands to devices and serves the "
      "operator REST API."};
  edgehub::hub::HubdOptions options;
  edgehub::hub::add_hubd_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ConfigError& error) {
    std::cerr << "hubd: bad configuration file " << app["--config"]->as<std::string>() << ": "
              << error.what() << "\n";
    return kExitBadOptions;
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);  // prints help, version or the error
    return code == 0 ? 0 : kExitBadOptions;
  }

  spdlog::set_level(spdlog::level::from_str(options.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  const sigset_t stop_signals = block_stop_signals();

  edgehub::hub::HubService service(options);
  try {
    service.start();
  } catch (const std::exception& error) {
    spdlog::critical("hubd: cannot start: {}", error.what());
    service.stop();
    return kExitStartupFailed;
  }
  int received = 0;
  sigwait(&stop_signals, &received);
  spdlog::info("hubd: {} received, stopping", strsignal(received));
  service.stop();
  return 0;
}

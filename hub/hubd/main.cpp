// hubd: the edge hub service. Options: hubd --help. Wiring: hub_service.h.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "hubd/hub_service.h"
#include "hubd/hubd_options.h"
#include "hubd/log_format.h"

namespace {

constexpr int kExitStartupFailed = 1;
constexpr int kExitBadOptions = 2;

// SIGTERM/SIGINT (stop) and SIGHUP (reload) are blocked in every thread
// (before any is created) and taken synchronously by sigwait in main.
sigset_t block_handled_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return signals;
}

// The options and config file read again for a reload; nullopt (logged) if
// they no longer parse: hubd keeps running as it is.
std::optional<edgehub::hub::HubdOptions> read_options_again(int argc, char** argv) {
  CLI::App app{"hubd"};
  edgehub::hub::HubdOptions options;
  edgehub::hub::add_hubd_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    spdlog::error("reload: the options or the config file no longer parse ({}); nothing changed",
                  error.what());
    return std::nullopt;
  }
  return options;
}

// Every option with its description, commented out at its default; the
// data directory set to where the package keeps it.
std::string config_sample(const CLI::App& app) {
  std::ostringstream sample;
  sample << "# hubd configuration (TOML), read with hubd --config FILE; the command line wins.\n"
         << "# Every option is listed with its description and default (commented out).\n"
         << "# After a change: systemctl reload edgehub-hubd (log level, server names; others\n"
         << "# say in the log that they need systemctl restart edgehub-hubd).\n\n"
         << "data-dir = \"/var/lib/edgehub\"\n\n";
  std::istringstream generated(app.config_to_str(true, true));
  for (std::string line; std::getline(generated, line);) {
    if (line.rfind("data-dir", 0) == 0) continue;
    if (line.empty() || line.front() == '#') {
      sample << line << "\n";
      continue;
    }
    // CLI11 writes a list default as the string "[a,b]": as a TOML array.
    const std::size_t equals = line.find('=');
    std::string value = line.substr(equals + 1);
    if (value.size() >= 4 && value.rfind("\"[", 0) == 0 &&
        value.substr(value.size() - 2) == "]\"") {
      std::string items = value.substr(2, value.size() - 4);
      std::string array = "[";
      for (std::size_t start = 0; start <= items.size();) {
        const std::size_t comma = std::min(items.find(',', start), items.size());
        array += (array.size() > 1 ? ", \"" : "\"") + items.substr(start, comma - start) + "\"";
        start = comma + 1;
      }
      value = array + "]";
    }
    const std::string key = line.substr(0, equals);
    const CLI::Option* option = app.get_option_no_throw("--" + key);
    if (value == "\"\"" && option != nullptr && option->get_items_expected_max() > 1) value = "[]";
    sample << "# " << key << " = " << value << "\n";
  }
  return sample.str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "hubd: the edge hub service. Runs the MQTT broker (mosquitto with the registry plugin), "
      "stores device telemetry in durable streams, sends commands to devices and serves the "
      "operator REST API."};
  edgehub::hub::HubdOptions options;
  edgehub::hub::add_hubd_options(app, options);
  bool print_config_sample = false;
  app.add_flag("--print-config-sample", print_config_sample,
               "Print a configuration file for --config that describes every option, all "
               "commented out at their defaults, and exit")
      ->configurable(false);
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

  if (print_config_sample) {
    std::cout << config_sample(app);
    return 0;
  }
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  edgehub::hub::apply_log_format(options.log_format);
  const sigset_t handled_signals = block_handled_signals();

  // Checked here too (HubService's constructor throws): a clear message, no abort.
  if (auto http = edgehub::hub::check_http_options(options); !http) {
    spdlog::critical("hubd: cannot start: {}", http.error().message);
    return kExitStartupFailed;
  }
  edgehub::hub::HubService service(options);
  try {
    service.start();
  } catch (const std::exception& error) {
    spdlog::critical("hubd: cannot start: {}", error.what());
    service.stop();
    return kExitStartupFailed;
  }
  int received = 0;
  while (sigwait(&handled_signals, &received) == 0 && received == SIGHUP) {
    spdlog::info("hubd: SIGHUP received, reloading");
    if (const auto updated = read_options_again(argc, argv)) service.reload(*updated);
  }
  spdlog::info("hubd: {} received, stopping", strsignal(received));
  service.stop();
  return 0;
}

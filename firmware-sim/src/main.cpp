// firmware-sim: a fleet of simulated devices, each a real device-SDK client
// with its own certificate, over TLS to the hub's broker. See README.md.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <deque>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "ack_log.h"
#include "edgehub/device/posix/key_request.h"
#include "fleet_counters.h"
#include "fleet_worker.h"
#include "registration.h"
#include "scenario_file.h"
#include "scenario_runner.h"
#include "sim_clock.h"
#include "sim_options.h"
#include "simulated_device.h"
#include "stats_reporter.h"

namespace {

std::atomic<bool> stop_requested{false};

void request_stop(int /*signal*/) { stop_requested.store(true); }

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = &request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // A write to a connection the broker closed must be an error, not a signal.
  std::signal(SIGPIPE, SIG_IGN);
}

// --make-csr: each device's own key and CSR, for enrolment by CSR.
int make_keys_and_requests(const std::filesystem::path& cert_dir,
                           const std::vector<std::string>& ids) {
  std::error_code created;
  std::filesystem::create_directories(cert_dir, created);
  for (const std::string& id : ids) {
    const edgehub::device::posix::KeyRequestFiles files{
        edgehub::sim::private_key_path(cert_dir, id).string(), (cert_dir / (id + ".csr")).string()};
    std::string error;
    if (edgehub::device::posix::make_key_and_request(id, files, error) !=
        edgehub::device::Status::ok) {
      spdlog::error("{}: {}", id, error);
      return 1;
    }
    std::cout << files.request_file << "\n";
  }
  return 0;
}

int worker_count(const edgehub::sim::SimOptions& options, std::size_t devices) {
  if (options.threads > 0) return options.threads;
  const auto cores = std::max(1U, std::thread::hardware_concurrency());
  return static_cast<int>(std::min<std::size_t>({devices, cores, 4}));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace edgehub::sim;
  CLI::App app{
      "firmware-sim: simulates devices that send telemetry to the hub over TLS MQTT and answer "
      "its commands (ping, set-interval) with configurable latency and failures, keep a twin, "
      "follow the hub's flow control and go offline and come back, each with its own "
      "certificate."};
  app.set_version_flag("--version", std::string("firmware-sim ") + EDGEHUB_VERSION,
                       "Print the version and exit");
  SimOptions options;
  add_sim_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version end here with 0; every invalid option with 2.
    return app.exit(error) == 0 ? 0 : 2;
  }

  spdlog::set_default_logger(spdlog::stderr_color_mt("firmware-sim"));
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  if (const auto error = validate(options)) {
    spdlog::error("{}", *error);
    return 2;
  }
  install_signal_handlers();

  std::optional<Scenario> scenario;
  if (!options.scenario_file.empty()) {
    std::ifstream file(options.scenario_file);
    if (!file) {
      spdlog::error("cannot read scenario file '{}'", options.scenario_file);
      return 2;
    }
    std::stringstream text;
    text << file.rdbuf();
    std::string error;
    scenario = parse_scenario(text.str(), options.scenario_file, error);
    if (!scenario) {
      spdlog::error("{}", error);
      return 2;
    }
  }
  // With a scenario each device belongs to a group (group_of), whose settings
  // it follows.
  std::vector<std::string> ids;
  std::vector<std::size_t> group_of;
  if (scenario) {
    for (std::size_t g = 0; g < scenario->groups.size(); ++g) {
      SimOptions group_options;
      group_options.devices = static_cast<int>(scenario->groups[g].count);
      group_options.id_prefix = scenario->groups[g].id_prefix;
      for (auto& id : device_ids(group_options)) {
        ids.push_back(std::move(id));
        group_of.push_back(g);
      }
    }
  } else {
    ids = device_ids(options);
  }
  const std::filesystem::path cert_dir = options.cert_dir;
  if (options.make_requests) return make_keys_and_requests(cert_dir, ids);
  DeviceSettings settings;
  settings.cert_dir = cert_dir;
  settings.host = options.host;
  settings.port = options.port;
  settings.interval_ms = options.interval_ms;
  settings.count = options.count;
  settings.payload_bytes = options.payload_bytes;
  settings.keepalive_seconds = options.keepalive_seconds;
  settings.offline_buffer_messages = options.offline_buffer_messages;
  settings.commands = command_behaviour(options);
  settings.offline = offline_plan(options);
  ConnectPacer pacer(connect_rate(options));
  settings.pacer = &pacer;
  std::atomic<std::uint32_t> interval_override_ms{0};
  settings.interval_override_ms = &interval_override_ms;
  FleetWorker::DropOrder drop_order;
  std::deque<DeviceSettings> group_settings;  // stable addresses: devices keep a reference
  if (scenario) {
    for (const ScenarioGroup& group : scenario->groups) {
      DeviceSettings& own = group_settings.emplace_back(settings);
      own.interval_ms = group.interval_ms;
      own.payload_bytes = group.payload_bytes;
      own.commands = group.commands;
      own.offline = group.offline;
    }
  }

  // One set of counters per worker thread: the hot path never shares a cache
  // line with another worker; the statistics thread sums them.
  const int workers = worker_count(options, ids.size());
  std::vector<std::unique_ptr<FleetCounters>> counters;
  for (int w = 0; w < workers; ++w) counters.push_back(std::make_unique<FleetCounters>());
  std::unique_ptr<AckLog> ack_log;
  edgehub::device::posix::TlsContext trust;  // outlives the devices
  std::vector<std::unique_ptr<SimulatedDevice>> devices;
  try {
    if (options.register_missing) {
      const RegistrationSettings registration{
          options.hub_url, resolve_api_token(options.token, options.data_dir), cert_dir,
          registration_ca(options.ca_file, options.data_dir)};
      const std::size_t registered = register_missing_devices(registration, ids);
      if (registered > 0) spdlog::info("registered {} devices", registered);
    }
    if (!options.ack_log.empty()) ack_log = std::make_unique<AckLog>(options.ack_log);

    // Every device is due at once: the connect ramp (connect_pacer.h) spreads
    // them at --connect-rate across the whole fleet.
    const std::uint64_t start = steady_ms();
    // One TLS context (the CA) for the whole fleet; each device's certificate
    // and key are loaded just before its first connect. Only their presence
    // is checked here, so that a missing one stops the run at once.
    if (trust.load_trust(options.effective_ca_file().string()) != edgehub::device::Status::ok) {
      throw std::runtime_error(trust.error());
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
      for (const auto& file :
           {certificate_path(cert_dir, ids[i]), private_key_path(cert_dir, ids[i])}) {
        if (!std::filesystem::exists(file)) {
          throw std::runtime_error(
              "device " + ids[i] + ": no " + file.string() +
              (options.register_missing ? "" : " (use --register to create it)"));
        }
      }
      devices.push_back(std::make_unique<SimulatedDevice>(
          ids[i], trust, scenario ? group_settings[group_of[i]] : settings,
          *counters[i % static_cast<std::size_t>(workers)], ack_log.get(), start));
    }
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return 1;
  }

  std::vector<std::vector<std::unique_ptr<SimulatedDevice>>> slices(workers);
  for (std::size_t i = 0; i < devices.size(); ++i)
    slices[i % workers].push_back(std::move(devices[i]));
  spdlog::info("simulating {} devices on {} threads against {}:{}, connecting {}", ids.size(),
               workers, options.host, options.port,
               connect_rate(options) == 0 ? std::string("all at once")
                                          : std::to_string(connect_rate(options)) + "/s");
  spdlog::info("commands answered after {} ({}% fail); offline: {}",
               describe(settings.commands.latency), settings.commands.failure_rate * 100,
               settings.offline.enabled()
                   ? "every " + std::to_string(settings.offline.online_ms) + " ms for " +
                         std::to_string(settings.offline.offline_ms) + " ms (+- " +
                         std::to_string(settings.offline.jitter_ms) + " ms, " +
                         offline_mode_name(settings.offline.mode) + ")"
                   : std::string("never"));
  std::vector<std::unique_ptr<FleetWorker>> fleet_workers;
  std::unique_ptr<StatsReporter> stats;
  try {
    for (std::size_t w = 0; w < slices.size(); ++w) {
      fleet_workers.push_back(
          std::make_unique<FleetWorker>(std::move(slices[w]), stop_requested, *counters[w]));
    }
    stats = std::make_unique<StatsReporter>(counters, ids.size(), options.stats_interval_ms,
                                            options.stats_json);
  } catch (const std::exception& error) {
    spdlog::error("{}", error.what());
    return 1;
  }
  std::atomic<bool> fleet_finished{false};
  std::thread stats_thread([&stats, &fleet_finished] { stats->run(fleet_finished); });
  std::vector<std::thread> threads;
  for (auto& worker : fleet_workers) {
    worker->follow(&drop_order);
    threads.emplace_back([&worker] { worker->run(); });
  }
  std::thread phases_thread;
  if (scenario && !scenario->phases.empty()) {
    phases_thread = std::thread([&] {
      run_phases(scenario->phases,
                 ScenarioControls{pacer, connect_rate(options), interval_override_ms, drop_order,
                                  stop_requested});
    });
  }
  for (auto& thread : threads) thread.join();
  if (phases_thread.joinable()) {
    stop_requested.store(true);  // the fleet ended first (--count): end the phases too
    phases_thread.join();
  }
  fleet_finished.store(true);
  stats_thread.join();

  const std::string summary = stats->finish();
  if (options.json_summary) {
    std::cout << summary << std::endl;
  } else {
    spdlog::info("summary: {}", summary);
  }
  const bool completed = options.count == 0 || stats->snapshot().devices_completed == ids.size();
  return completed ? 0 : 1;
}

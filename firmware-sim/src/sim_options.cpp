#include "sim_options.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <set>

#include "edgehub/protocol/topics.h"

namespace edgehub::sim {

void add_sim_options(CLI::App& app, SimOptions& options) {
  app.add_option("--host", options.host,
                 "Broker host name or IP address (checked against its certificate)")
      ->capture_default_str();
  app.add_option("--port", options.port, "Broker MQTT TLS port")->capture_default_str();
  app.add_option(
      "--ca", options.ca_file,
      "CA certificate (PEM) the broker's certificate must chain to [default: <cert-dir>/ca.pem]");
  app.add_option("--cert-dir", options.cert_dir,
                 "Directory of device credentials: <id>.pem and <id>.key per device, ca.pem")
      ->required();

  app.add_option("--devices", options.devices, "Number of simulated devices")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--id-prefix", options.id_prefix, "Device ids are <prefix>0001, <prefix>0002, ...")
      ->capture_default_str();
  app.add_option("--ids", options.ids, "Explicit comma-separated device ids (instead of --devices)")
      ->delimiter(',');

  app.add_flag("--register", options.register_missing,
               "Register every device without a certificate in --cert-dir through the hub's REST "
               "API and store its credentials there");
  app.add_flag("--make-csr", options.make_requests,
               "Make each device's own key (<cert-dir>/<id>.key) and certificate signing request "
               "(<id>.csr) and exit; enrol them with hubctl devices enroll <id> --csr <id>.csr "
               "--out <cert-dir>");
  app.add_option("--hub", options.hub_url,
                 "Hub REST API base URL (for --register; https:// trusts --ca, else "
                 "<--data-dir>/pki/ca.pem, else $HUBCTL_CA)")
      ->capture_default_str();
  app.add_option("--token", options.token, "Hub API token (for --register)");
  app.add_option("--data-dir", options.data_dir,
                 "Hub data directory: the API token is read from <data-dir>/api-token");

  app.add_option("--interval-ms", options.interval_ms, "Telemetry interval per device, ms")
      ->capture_default_str()
      ->check(CLI::Range(10U, 86'400'000U));
  app.add_option("--count", options.count,
                 "Telemetry messages per device; then disconnect once all are acknowledged and "
                 "exit. 0 = run until SIGINT/SIGTERM")
      ->capture_default_str();
  app.add_option("--payload-bytes", options.payload_bytes,
                 "Approximate size of each message's data (padded); 0 = sensor values only")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, std::size_t{200'000}));
  app.add_option("--ack-log", options.ack_log,
                 "Append \"<device-id> <seq>\" to FILE for every telemetry message the broker "
                 "acknowledged, one write per line");
  app.add_flag("--json", options.json_summary,
               "At exit print one JSON line with the fleet's counters (see README.md)");

  app.add_option("--stats-interval-ms", options.stats_interval_ms,
                 "Print live fleet statistics on stderr this often (connected/connecting/offline, "
                 "telemetry rates, PUBACK p50/p99, commands, errors); 0 = none")
      ->capture_default_str()
      ->check(CLI::Range(0U, 3'600'000U));
  app.add_option("--stats-json", options.stats_json,
                 "Write the live statistics, ramp-up progress and summary as one JSON object per "
                 "line to FILE (appended; '-' = stderr, instead of the text lines)");
  app.add_option("--connect-rate", options.connect_rate,
                 "Connection attempts of the whole fleet per second, first connects and "
                 "reconnects alike (N/s or N; 0 = unlimited)")
      ->capture_default_str();

  app.add_option("--command-latency-ms", options.command_latency,
                 "How long each command takes before it is answered: MS, or MIN-MAX for a "
                 "uniform draw per command (units ms, s, m also accepted: 1s-3s). Other devices "
                 "go on meanwhile")
      ->capture_default_str();
  app.add_option("--command-failure-rate", options.command_failure_rate,
                 "Share of commands (0..1) answered with status 500 instead of being executed")
      ->capture_default_str();
  app.add_option("--offline-every", options.offline_every,
                 "Each device goes offline after being connected this long (e.g. 30s, 500ms, "
                 "2m); 0 = never")
      ->capture_default_str();
  app.add_option("--offline-for", options.offline_for,
                 "How long a device stays offline before it connects again")
      ->capture_default_str();
  app.add_option("--offline-jitter", options.offline_jitter,
                 "Each online and offline period is drawn within +- this, per device")
      ->capture_default_str();
  app.add_option("--offline-mode", options.offline_mode,
                 "drop: the connection just ends (power or network loss); disconnect: MQTT "
                 "DISCONNECT first")
      ->capture_default_str()
      ->check(CLI::IsMember({"drop", "disconnect"}));
  app.add_option("--offline-buffer", options.offline_buffer_messages,
                 "Telemetry messages each device keeps while they are not acknowledged (offline, "
                 "paused by the hub, in flight); a full buffer holds back new readings")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));

  app.add_option("--scenario", options.scenario_file,
                 "TOML scenario: groups of devices (count, id prefix, interval, payload, commands, "
                 "offline pattern) and phases (ramp, steady, burst, mass_disconnect, "
                 "reconnect_storm); see README.md");
  app.add_option("--threads", options.threads,
                 "Worker threads driving the devices [default: min(devices, cores, 4)]")
      ->check(CLI::Range(0, 64));
  app.add_option("--keepalive", options.keepalive_seconds, "MQTT keepalive, seconds")
      ->capture_default_str()
      ->check(CLI::Range(5, 3600));
  app.add_option("--log-level", options.log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
}

std::vector<std::string> device_ids(const SimOptions& options) {
  if (!options.ids.empty()) return options.ids;
  std::vector<std::string> ids;
  ids.reserve(static_cast<std::size_t>(options.devices));
  for (int i = 1; i <= options.devices; ++i) {
    char number[16];
    std::snprintf(number, sizeof(number), "%04d", i);
    ids.push_back(options.id_prefix + number);
  }
  return ids;
}

namespace {

std::optional<std::string> check_devices(const SimOptions& options) {
  std::set<std::string> seen;
  for (const auto& id : device_ids(options)) {
    if (!protocol::is_valid_device_id(id)) {
      return "invalid device id '" + id +
             "': 1-64 characters of [A-Za-z0-9._-], not starting with '.' or '-'";
    }
    if (!seen.insert(id).second) return "device id '" + id + "' is given twice";
  }
  if (options.make_requests && options.register_missing) {
    return "--make-csr and --register exclude each other (--make-csr only writes keys and CSRs)";
  }
  if (options.register_missing && options.token.empty() && options.data_dir.empty()) {
    return "--register needs --token TOKEN or --data-dir DIR (which holds api-token)";
  }
  return std::nullopt;
}

std::optional<std::string> check_commands(const SimOptions& options) {
  const auto latency = parse_millisecond_range(options.command_latency);
  if (!latency) {
    return "--command-latency-ms '" + options.command_latency +
           "': expected MS or MIN-MAX with MIN <= MAX (e.g. 200, 100-800, 1s-3s)";
  }
  // A device busy with a command sends nothing, not even its keepalive ping.
  if (latency->max_ms >= std::uint64_t{options.keepalive_seconds} * 1000) {
    return "--command-latency-ms must stay below --keepalive (" +
           std::to_string(options.keepalive_seconds) +
           " s): a device busy with a command sends nothing, not even its keepalive";
  }
  if (!(options.command_failure_rate >= 0.0 && options.command_failure_rate <= 1.0)) {
    return "--command-failure-rate must be between 0 and 1";
  }
  return std::nullopt;
}

std::optional<std::string> check_offline(const SimOptions& options) {
  for (const auto& [name, value] : {std::pair{"--offline-every", &options.offline_every},
                                    std::pair{"--offline-for", &options.offline_for},
                                    std::pair{"--offline-jitter", &options.offline_jitter}}) {
    if (!parse_duration_ms(*value)) {
      return std::string(name) + " '" + *value +
             "': expected a duration such as 1500, 500ms, 30s, 2m or 1h";
    }
  }
  if (*parse_duration_ms(options.offline_every) != 0 &&
      *parse_duration_ms(options.offline_for) == 0) {
    return "--offline-for must be above 0 when --offline-every is set";
  }
  OfflineMode mode;
  if (!parse_offline_mode(options.offline_mode, &mode)) {
    return "--offline-mode must be drop or disconnect";
  }
  if (options.offline_buffer_messages == 0) return "--offline-buffer must be at least 1";
  if (!parse_rate_per_second(options.connect_rate)) {
    return "--connect-rate '" + options.connect_rate + "' is not a rate (e.g. 500/s, or 0)";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> validate(const SimOptions& options) {
  if (auto error = check_devices(options)) return error;
  if (auto error = check_commands(options)) return error;
  return check_offline(options);
}

CommandBehaviour command_behaviour(const SimOptions& options) {
  return CommandBehaviour{
      parse_millisecond_range(options.command_latency).value_or(MillisecondRange{}),
      options.command_failure_rate};
}

OfflinePlan offline_plan(const SimOptions& options) {
  OfflinePlan plan;
  plan.online_ms = parse_duration_ms(options.offline_every).value_or(0);
  plan.offline_ms = parse_duration_ms(options.offline_for).value_or(plan.offline_ms);
  plan.jitter_ms = parse_duration_ms(options.offline_jitter).value_or(0);
  (void)parse_offline_mode(options.offline_mode, &plan.mode);
  return plan;
}

std::uint32_t connect_rate(const SimOptions& options) {
  return parse_rate_per_second(options.connect_rate).value_or(0);
}

}  // namespace edgehub::sim

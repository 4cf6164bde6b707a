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
  app.add_option("--hub", options.hub_url, "Hub REST API base URL (for --register)")
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
  app.add_flag(
      "--json", options.json_summary,
      "At exit print one JSON line: devices, sent, acked, commands_answered, errors, reconnects");

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

std::optional<std::string> validate(const SimOptions& options) {
  std::set<std::string> seen;
  for (const auto& id : device_ids(options)) {
    if (!protocol::is_valid_device_id(id)) {
      return "invalid device id '" + id +
             "': 1-64 characters of [A-Za-z0-9._-], not starting with '.' or '-'";
    }
    if (!seen.insert(id).second) return "device id '" + id + "' is given twice";
  }
  if (options.register_missing && options.token.empty() && options.data_dir.empty()) {
    return "--register needs --token TOKEN or --data-dir DIR (which holds api-token)";
  }
  return std::nullopt;
}

}  // namespace edgehub::sim

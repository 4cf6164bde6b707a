// firmware-sim's command line: what to simulate and where to connect.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "command_behaviour.h"
#include "offline_plan.h"

namespace CLI {
class App;
}

namespace edgehub::sim {

struct SimOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8883;
  // Paths are plain strings (empty = not given): CLI11 2.1 takes
  // std::filesystem::path for a container of characters.
  std::string ca_file;  // default: <cert-dir>/ca.pem
  std::string cert_dir;

  int devices = 1;
  std::string id_prefix = "sim-";
  std::vector<std::string> ids;  // --ids a,b,c replaces --devices/--id-prefix

  bool register_missing = false;
  // --make-csr: write <cert-dir>/<id>.key and <id>.csr for every device and
  // exit (the key stays here; hubctl devices enroll <id> --csr signs it).
  bool make_requests = false;
  std::string hub_url = "https://127.0.0.1:8080";  // hubd serves HTTPS by default
  std::string token;
  std::string data_dir;

  std::uint32_t interval_ms = 1000;
  std::uint64_t count = 0;  // telemetry messages per device; 0 = until stopped
  std::size_t payload_bytes = 0;
  std::string ack_log;
  bool json_summary = false;
  // Live statistics (fleet_stats.h): a line on stderr every stats_interval_ms
  // (0 = none); --stats-json FILE writes them as JSON lines there instead
  // ("-" = stderr, in place of the text lines).
  std::uint32_t stats_interval_ms = 1000;
  std::string stats_json;
  // First connects and reconnects of the whole fleet, per second ("N/s").
  std::string connect_rate = "300/s";

  // Commands (docs/protocol.md 4): latency "MS" or "MIN-MAX" (durations as in
  // option_values.h), share answered 500.
  std::string command_latency = "0";
  double command_failure_rate = 0.0;

  // Going offline and coming back (offline_plan.h); durations as text.
  std::string offline_every = "0";  // 0 = never
  std::string offline_for = "5s";
  std::string offline_jitter = "0";
  std::string offline_mode = "drop";
  // Telemetry kept per device while unacknowledged (offline, paused, in flight).
  std::size_t offline_buffer_messages = 16;

  // A scenario file (scenario_file.h): its groups replace --devices, --ids,
  // --id-prefix, --interval-ms, --payload-bytes, the command and offline
  // options; its phases run in order, then the program stops.
  std::string scenario_file;

  int threads = 0;  // 0 = automatic
  std::uint16_t keepalive_seconds = 30;
  std::string log_level = "info";

  std::filesystem::path effective_ca_file() const {
    return ca_file.empty() ? std::filesystem::path(cert_dir) / "ca.pem"
                           : std::filesystem::path(ca_file);
  }
};

// Declares every option, with its help text, on app.
void add_sim_options(CLI::App& app, SimOptions& options);

// The device ids to simulate: --ids, or <prefix>0001 ... <prefix>N.
std::vector<std::string> device_ids(const SimOptions& options);

// Checks what CLI11 cannot: valid device ids, durations, ranges, ...
// Returns an error message, or nothing when the options are usable.
std::optional<std::string> validate(const SimOptions& options);

// The typed values of validated options.
CommandBehaviour command_behaviour(const SimOptions& options);
OfflinePlan offline_plan(const SimOptions& options);
// --connect-rate as a number per second, 0 = unlimited.
std::uint32_t connect_rate(const SimOptions& options);

}  // namespace edgehub::sim

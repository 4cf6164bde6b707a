// hubd's command line (and --config TOML file): every option with its help.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "broker/device_limit_options.h"
#include "edgehub/common/result.h"

namespace CLI {
class App;
}

namespace edgehub::hub {

enum class BrokerMode {
  supervise,  // hubd starts (or adopts) and watches its own mosquitto
  external,   // an operator runs mosquitto; hubd only connects to it
};

struct HubdOptions {
  std::filesystem::path data_dir = "./hub-data";
  // The broker's MQTT/TLS listeners (one per address, all on mqtt_port).
  std::vector<std::string> mqtt_binds = {"127.0.0.1"};
  // Names and addresses devices use to reach the broker, put into its
  // server certificate beside 127.0.0.1, ::1, localhost and the bind addresses.
  std::vector<std::string> server_names;
  std::uint16_t mqtt_port = 8883;
  // The REST API's listeners (one per address, all on http_port): HTTPS
  // with the hub CA's server certificate (SANs as for the broker, plus these
  // addresses), or with http_certificate/http_key; plain HTTP only with
  // http_plain, and only when every address is loopback.
  std::vector<std::string> http_binds = {"127.0.0.1"};
  std::uint16_t http_port = 8080;
  bool http_plain = false;
  std::filesystem::path http_certificate;
  std::filesystem::path http_key;
  // REST front limits (api/rest_server.h RestServerSettings has the rest).
  std::size_t http_max_connections = 512;
  std::size_t http_max_unauthenticated = 64;
  std::size_t http_max_body_bytes = 1024 * 1024;
  BrokerMode broker = BrokerMode::supervise;
  std::string broker_host = "127.0.0.1";
  std::uint16_t broker_port = 0;  // 0: --mqtt-port
  std::filesystem::path mosquitto;
  std::filesystem::path plugin;
  std::size_t max_payload_bytes = 262144;
  unsigned broker_max_queued = 100000;
  // Where device telemetry is made durable before the device's PUBACK: the
  // broker plugin's journal in <data-dir>/journal/broker (the broker runs on
  // this machine: supervised, or external with the generated mosquitto.conf),
  // or hubd's own journal after an MQTT delivery (a broker elsewhere: the
  // broker's memory holds it until hubd has it).
  bool telemetry_via_mqtt = false;
  std::uint64_t journal_max_bytes = 1ull << 30;
  unsigned journal_sync_ms = 10;
  unsigned broker_max_inflight = 1000;
  std::size_t max_queued_commands = 100;  // per device, `send --queue`
  // commands.db retention of final commands (commands/command_dispatcher.h).
  unsigned command_retention_hours = 24 * 7;
  std::size_t command_retention_count = 1000000;
  // Group commit (journal/group_commit.h): how long the first journaled
  // message waits for others before its transaction.
  unsigned ingest_linger_ms = 2;
  std::string log_level = "info";
  // "text" (one readable line per record) or "json" (one JSON object per
  // line: hubd/json_log_line.h).
  std::string log_format = "text";
  // Identity of this hub in exported records (hub/exports/); empty: the one
  // kept in <data-dir>/site-id, generated at the first start.
  std::string site_id;
  // Per-device limits (broker plugin), connect deadline, broker connection
  // budget: hub/mosquitto-plugin/README.md "Device limits".
  DeviceLimitOptions device_limits;
  unsigned broker_max_connections = 20000;
  unsigned broker_max_open_files = 65536;
  // The hub's own certificates (broker server certificate, hubd's service
  // identity): validity, and renewal that long before they expire (checked
  // at start and every certificate_check_seconds).
  unsigned server_certificate_days = 825;
  unsigned service_certificate_days = 825;
  unsigned certificate_renew_days = 90;
  unsigned certificate_check_seconds = 3600;
  // Input limits (docs/security.md): what one device message or REST body
  // may hold. Over a limit: dead letter (devices) or 4xx (operators).
  std::size_t max_json_depth = 32;
  std::size_t max_response_bytes = 64 * 1024;
  std::size_t max_twin_report_bytes = 32 * 1024;
  std::size_t max_twin_bytes = 64 * 1024;
  std::size_t max_twin_keys = 1000;
  std::size_t max_batch_readings = 1000;
  std::size_t max_command_bytes = 64 * 1024;
};

// Defaults that depend on the installation: mosquitto baked in at build
// time, the plugin next to hubd (<dir of hubd>/../lib).
std::filesystem::path default_mosquitto_executable();
std::filesystem::path default_plugin_path();

// Registers every option on app (with --config and --version).
void add_hubd_options(CLI::App& app, HubdOptions& options);

// Whether an address is loopback (127.0.0.0/8, ::1, localhost): where plain
// HTTP may be served.
bool is_loopback_address(const std::string& address);
// invalid_argument naming what to fix: --http-plain on a non-loopback
// address, only one of --http-cert / --http-key, no --http-bind.
Status check_http_options(const HubdOptions& options);

}  // namespace edgehub::hub

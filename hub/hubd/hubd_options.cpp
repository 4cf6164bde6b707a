#include "hubd/hubd_options.h"

#include <arpa/inet.h>

#include <CLI/CLI.hpp>
#include <system_error>

#include "edgehub/protocol/topics.h"
#include "pki/subject_alt_names.h"

#ifndef EDGEHUB_MOSQUITTO_EXECUTABLE
#define EDGEHUB_MOSQUITTO_EXECUTABLE "/usr/sbin/mosquitto"
#endif
#ifndef EDGEHUB_VERSION
#define EDGEHUB_VERSION "0.0.0"
#endif

namespace edgehub::hub {

std::filesystem::path default_mosquitto_executable() { return EDGEHUB_MOSQUITTO_EXECUTABLE; }

std::filesystem::path default_plugin_path() {
  std::error_code error;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "libedgehub_mosquitto_auth.so";
  // Installed: <prefix>/lib/edgehub/; in the build tree: build/lib/.
  const auto lib = self.parent_path() / ".." / "lib";
  const auto installed = (lib / "edgehub" / "libedgehub_mosquitto_auth.so").lexically_normal();
  if (std::filesystem::exists(installed, error)) return installed;
  return (lib / "libedgehub_mosquitto_auth.so").lexically_normal();
}

namespace {

// Site ids appear in topics, subjects and headers: the device id alphabet.
const CLI::Validator valid_site_id(
    [](const std::string& id) {
      return protocol::is_valid_device_id(id) ? std::string()
                                              : "a site id is 1-64 of [A-Za-z0-9._-], not "
                                                "starting with '.' or '-'";
    },
    "SITE_ID");

const CLI::Validator valid_server_name(
    [](const std::string& text) {
      return openssl::is_subject_alt_name(text)
                 ? std::string()
                 : "'" + text + "' is neither an IP address nor a DNS name";
    },
    "NAME|ADDRESS");

// Enforced by the broker plugin (hub/mosquitto-plugin/README.md "Device
// limits"); hubd records every hit in the lifecycle stream.
void add_device_limit_options(CLI::App& app, HubdOptions& options) {
  DeviceLimitOptions& limits = options.device_limits;
  constexpr std::uint64_t kMax = std::uint64_t{1} << 40;
  app.add_option("--device-max-messages-per-second", limits.max_messages_per_second,
                 "Publishes per second one device may sustain (0 = unlimited); over it, and "
                 "its burst, the broker disconnects the device without acknowledging the "
                 "message (the device keeps it)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, kMax));
  app.add_option("--device-message-burst", limits.message_burst,
                 "Publishes one device may send at once above its rate (e.g. a backlog after "
                 "a reconnect)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, kMax));
  app.add_option("--device-max-bytes-per-second", limits.max_bytes_per_second,
                 "Payload bytes per second one device may sustain (0 = unlimited); over it, "
                 "and its burst, the device is disconnected like for messages")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, kMax));
  app.add_option("--device-byte-burst", limits.byte_burst,
                 "Payload bytes one device may send at once above its byte rate")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, kMax));
  app.add_option("--device-max-connects-per-minute", limits.max_connects_per_minute,
                 "Connections one device may open per minute (also the burst; 0 = unlimited); "
                 "beyond, its CONNECT is refused (not authorised)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, kMax));
  app.add_flag_function(
      "--device-allow-retained", [&limits](std::int64_t) { limits.refuse_retained = false; },
      "Let devices publish retained messages (by default a retained publish disconnects the "
      "device and is neither stored nor replayed)");
  app.add_flag_function(
      "--no-device-limits",
      [&limits](std::int64_t) {
        limits.max_messages_per_second = 0;
        limits.max_bytes_per_second = 0;
        limits.max_connects_per_minute = 0;
      },
      "No message, byte or connect rate limits per device (benchmarks); retained publishes "
      "and the connect timeout still apply");
  app.add_option("--connect-timeout-seconds", limits.connect_timeout_seconds,
                 "A new broker connection that has not finished its TLS handshake and MQTT "
                 "CONNECT after this is closed (0 = mosquitto's own 90 s)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{3600}));
  app.add_option("--broker-max-connections", options.broker_max_connections,
                 "Connections the broker's listener accepts at once (0 = unlimited)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 10000000u));
  app.add_option("--broker-max-open-files", options.broker_max_open_files,
                 "Open-files limit (RLIMIT_NOFILE) of the broker hubd starts: one per "
                 "connection (capped by the hard limit unless hubd runs as root); for "
                 "--broker external, give the broker this limit yourself")
      ->capture_default_str()
      ->check(CLI::Range(1024u, 100000000u));
}

void add_certificate_options(CLI::App& app, HubdOptions& options) {
  app.add_option("--server-certificate-days", options.server_certificate_days,
                 "Validity of the broker's server certificate, issued by the hub's CA")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3650u));
  app.add_option("--service-certificate-days", options.service_certificate_days,
                 "Validity of hubd's own client certificate (its service identity)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3650u));
  app.add_option("--certificate-renew-days", options.certificate_renew_days,
                 "Issue the server and service certificates anew this many days before they "
                 "expire; the broker loads a new server certificate without dropping devices "
                 "(SIGHUP)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 3650u));
  app.add_option("--certificate-check-seconds", options.certificate_check_seconds,
                 "How often hubd checks whether its certificates are due for renewal")
      ->capture_default_str()
      ->check(CLI::Range(1u, 86400u));
}

void add_input_limit_options(CLI::App& app, HubdOptions& options) {
  constexpr std::size_t kMiB = 1024 * 1024;
  app.add_option("--max-json-depth", options.max_json_depth,
                 "Deepest nesting of objects and arrays accepted in JSON from devices and "
                 "operators, whole message or request body; deeper input is refused before "
                 "parsing (dead letter / HTTP 400)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{128}));
  app.add_option("--max-response-bytes", options.max_response_bytes,
                 "Largest command response a device may send; larger ones go to the deadletter "
                 "stream unparsed")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, 64 * kMiB));
  app.add_option("--max-twin-report-bytes", options.max_twin_report_bytes,
                 "Largest twin report a device may send; larger ones go to the deadletter stream "
                 "unparsed")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, 64 * kMiB));
  app.add_option("--max-twin-bytes", options.max_twin_bytes,
                 "Largest twin document (desired and reported properties, each, as JSON text) "
                 "and largest desired patch; a change that would exceed it is refused (dead "
                 "letter / HTTP 413) and the twin stays as it was")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{2}, 64 * kMiB));
  app.add_option("--max-twin-keys", options.max_twin_keys,
                 "Most keys in a twin document (desired and reported, each), counted at every "
                 "level; a change that would exceed it is refused like --max-twin-bytes")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000000}));
  app.add_option("--max-batch-readings", options.max_batch_readings,
                 "Most readings in one telemetry batch message; a larger batch becomes one dead "
                 "letter")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  app.add_option("--max-command-bytes", options.max_command_bytes,
                 "Largest command payload an operator may send (JSON text); larger ones are "
                 "refused with HTTP 413")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, 64 * kMiB));
}

}  // namespace

void add_hubd_options(CLI::App& app, HubdOptions& options) {
  options.mosquitto = default_mosquitto_executable();
  options.plugin = default_plugin_path();

  app.set_version_flag("--version", std::string("hubd ") + EDGEHUB_VERSION,
                       "Print the version and exit");
  app.set_config("--config", "",
                 "Read options from a TOML file (keys are the long option names, e.g. "
                 "mqtt-port = 8883); command-line options override it");
  app.allow_config_extras(false);

  app.add_option("--data-dir", options.data_dir,
                 "Directory holding the hub's state, created (mode 0700) on first start: "
                 "registry.db, streams.db, pki/ (CA, broker and hubd certificates), broker/ "
                 "(mosquitto.conf, mosquitto.pid, mosquitto.log, persistence), api-token")
      ->capture_default_str();
  app.add_option("--mqtt-bind", options.mqtt_binds,
                 "Address a broker MQTT/TLS listener binds to (devices connect here); repeat for "
                 "several (config file: mqtt-bind = [\"127.0.0.1\", \"192.168.1.10\"]); "
                 "0.0.0.0 or :: for every address")
      ->capture_default_str();
  app.add_option("--server-name", options.server_names,
                 "A DNS name or IP address devices use to reach the broker, put into its server "
                 "certificate (with 127.0.0.1, ::1, localhost and each --mqtt-bind address); "
                 "repeat for several; a change reissues the certificate at the next start")
      ->check(valid_server_name);
  app.add_option("--mqtt-port", options.mqtt_port, "Port of the broker's MQTT TLS listener")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  app.add_option("--http-bind", options.http_binds,
                 "Address the operator REST API (HTTPS) listens on; repeat for several (config "
                 "file: http-bind = [\"127.0.0.1\", \"192.168.1.10\"]); 0.0.0.0 or :: for "
                 "every address")
      ->capture_default_str();
  app.add_flag("--http-plain", options.http_plain,
               "Serve the REST API as plain HTTP instead of HTTPS: only when every --http-bind "
               "is loopback (127.0.0.1, ::1), e.g. for local scripts and tests");
  app.add_option("--http-cert", options.http_certificate,
                 "The REST API's HTTPS certificate (PEM, chain allowed) instead of one from the "
                 "hub CA; with --http-key. Read again on SIGHUP");
  app.add_option("--http-key", options.http_key, "The private key of --http-cert (PEM)");
  app.add_option("--http-port", options.http_port,
                 "Port of the operator REST API (0: any free port, shown in the ready line)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--http-max-connections", options.http_max_connections,
                 "Open REST connections at most; more are answered 503")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  app.add_option("--http-max-unauthenticated", options.http_max_unauthenticated,
                 "REST connections waiting without a valid token at most; beyond, the oldest is "
                 "closed for the newcomer")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  app.add_option("--http-max-body-bytes", options.http_max_body_bytes,
                 "Largest REST request body (Content-Length); larger is refused 413 unread")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{64} * 1024 * 1024));

  app.add_option_function<std::string>(
         "--broker",
         [&options](const std::string& mode) {
           options.broker = mode == "external" ? BrokerMode::external : BrokerMode::supervise;
         },
         "supervise: hubd starts mosquitto (or adopts the one it left running) and restarts it "
         "if it dies; external: hubd connects to --broker-host/--broker-port and only writes "
         "<data-dir>/broker/mosquitto.conf for the operator to run")
      ->check(CLI::IsMember({"supervise", "external"}))
      ->type_name("MODE")
      ->default_str("supervise");
  app.add_option("--broker-host", options.broker_host,
                 "Broker host hubd connects to with --broker external")
      ->capture_default_str();
  app.add_option("--broker-port", options.broker_port,
                 "Broker port hubd connects to with --broker external (0: --mqtt-port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--mosquitto", options.mosquitto,
                 "The mosquitto executable to run with --broker supervise")
      ->capture_default_str();
  app.add_option("--plugin", options.plugin,
                 "The broker plugin that checks devices against the registry "
                 "(libedgehub_mosquitto_auth.so)")
      ->capture_default_str();
  app.add_option("--max-payload-bytes", options.max_payload_bytes,
                 "Largest telemetry payload stored; larger ones go to the deadletter stream. The "
                 "broker refuses packets over twice the largest of this, --max-response-bytes, "
                 "--max-twin-report-bytes, --max-twin-bytes and --max-command-bytes")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{64} * 1024 * 1024));
  app.add_option_function<std::string>(
         "--telemetry-path",
         [&options](const std::string& path) { options.telemetry_via_mqtt = path == "mqtt"; },
         "broker-journal: the broker plugin writes device telemetry to <data-dir>/journal/broker "
         "before the device's PUBACK and hubd reads it from there (the broker runs on this "
         "machine, supervised or external with the generated mosquitto.conf); mqtt: hubd "
         "receives telemetry over MQTT (a broker on another machine: a broker crash or a long "
         "hubd outage can lose acknowledged telemetry, docs/architecture.md)")
      ->check(CLI::IsMember({"broker-journal", "mqtt"}))
      ->type_name("PATH")
      ->default_str("broker-journal");
  app.add_option("--journal-max-bytes", options.journal_max_bytes,
                 "Disk budget of the broker journal; when it is full the broker refuses "
                 "telemetry (no PUBACK: devices keep it) until hubd has stored and deleted some")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1} << 20, std::uint64_t{1} << 50));
  app.add_option("--journal-sync-ms", options.journal_sync_ms,
                 "The broker journal is fdatasync'ed this often: a power cut can lose the "
                 "telemetry acknowledged in the last period (a crash of any process loses none); "
                 "0: only the kernel's writeback")
      ->capture_default_str()
      ->check(CLI::Range(0u, 10000u));
  app.add_option("--broker-max-queued", options.broker_max_queued,
                 "Messages the broker queues per offline persistent session (e.g. for hubd "
                 "while it restarts); beyond it new messages are dropped")
      ->capture_default_str()
      ->check(CLI::Range(1u, 100000000u));
  app.add_option("--max-queued-commands", options.max_queued_commands,
                 "Commands queued per device (send --queue) before new ones are refused (413)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  app.add_option("--command-retention-hours", options.command_retention_hours,
                 "Hours a command is kept in commands.db after its final state (queued and "
                 "sent commands are always kept)")
      ->capture_default_str()
      ->check(CLI::Range(1u, 24u * 3650u));
  app.add_option("--command-retention-count", options.command_retention_count,
                 "Final commands kept at most in commands.db; beyond, the earliest finished go")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000000}));
  app.add_option("--ingest-linger-ms", options.ingest_linger_ms,
                 "Shortest time between two ingest transactions: under load, messages that "
                 "arrive meanwhile share the next one (group commit); 0 = no wait")
      ->capture_default_str()
      ->check(CLI::Range(0u, 60000u));
  app.add_option("--broker-max-inflight", options.broker_max_inflight,
                 "Unacknowledged QoS 1 messages the broker sends a client at once")
      ->capture_default_str()
      ->check(CLI::Range(1u, 65535u));
  add_device_limit_options(app, options);
  add_input_limit_options(app, options);
  add_certificate_options(app, options);
  app.add_option("--site-id", options.site_id,
                 "This hub's identity in exported records (exports: MQTT, NATS, Kafka); default: "
                 "generated once and kept in <data-dir>/site-id")
      ->check(valid_site_id);
  app.add_option("--log-level", options.log_level,
                 "Log level: trace, debug, info, warn, error, critical, off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--log-format", options.log_format,
                 "Log format: text (one line per record) or json (one JSON object per line: "
                 "time, level, logger, component, message)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
}

bool is_loopback_address(const std::string& address) {
  if (address == "::1" || address == "localhost" || address == "[::1]") return true;
  in_addr v4{};
  return ::inet_pton(AF_INET, address.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

Status check_http_options(const HubdOptions& options) {
  if (options.http_binds.empty()) {
    return make_error(ErrorCode::invalid_argument, "--http-bind: at least one address is needed");
  }
  if (options.http_certificate.empty() != options.http_key.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "--http-cert and --http-key go together (the certificate and its key)");
  }
  if (options.http_plain) {
    for (const std::string& address : options.http_binds) {
      if (!is_loopback_address(address)) {
        return make_error(ErrorCode::invalid_argument,
                          "--http-plain serves tokens unencrypted: only on loopback "
                          "(127.0.0.1, ::1), not on --http-bind " +
                              address + " (leave --http-plain out for HTTPS)");
      }
    }
    if (!options.http_certificate.empty()) {
      return make_error(ErrorCode::invalid_argument,
                        "--http-plain and --http-cert exclude each other");
    }
  }
  return ok_status();
}

}  // namespace edgehub::hub

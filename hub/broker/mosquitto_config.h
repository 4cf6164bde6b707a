// mosquitto.conf for the hub's broker, generated from settings (pure: no I/O).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "broker/device_limit_options.h"

namespace edgehub::hub {

struct MosquittoConfig {
  // The TLS listeners devices and hubd connect to: one per address, all on
  // `port`, all alike. No other listener (no 1883).
  std::vector<std::string> bind_addresses = {"127.0.0.1"};
  std::uint16_t port = 8883;

  std::filesystem::path ca_file;  // the hub's CA: client certificates must chain to it
  // ... or to a CA in this directory (capath: the operator's CAs, one file
  // each, named <subject hash>.<n>). Empty: none.
  std::filesystem::path ca_directory;
  std::filesystem::path certificate_file;  // the broker's server certificate
  std::filesystem::path key_file;

  std::filesystem::path plugin_file;    // libedgehub_mosquitto_auth.so
  std::filesystem::path registry_file;  // registry.db, read by the plugin

  std::filesystem::path persistence_directory;
  std::filesystem::path log_file;
  // mosquitto started as root switches to this user: it must be able to read
  // the key files (0600, owned by the user hubd runs as).
  std::string run_as_user;

  // Largest telemetry payload hubd accepts; the broker refuses packets over
  // twice that (hubd dead-letters what lies between).
  std::size_t max_payload_bytes = 256 * 1024;
  // Per-client window of unacknowledged QoS 1 messages, and per-session queue
  // for an offline persistent session (hubd restarting). mosquitto's defaults
  // (20 / 1000) drop messages for a fleet.
  unsigned max_inflight_messages = 1000;
  unsigned max_queued_messages = 100000;
  // Per-device limits and the connect deadline (plugin_opt_* lines).
  DeviceLimitOptions device_limits;
  // Connections the listener accepts at most (0 = no limit); each takes one
  // open file, so the broker needs an open-files limit above it.
  unsigned max_connections = 20000;
  // The open-files limit hubd gives the broker it starts; written into the
  // file as advice for an operator who runs it (--broker external).
  unsigned max_open_files = 65536;
  bool external_broker = false;
  // A broker crash loses what it acknowledged since its last snapshot.
  unsigned autosave_interval_seconds = 30;
  // The broker journal (plugin_opt_journal_*): device telemetry is written
  // there before the PUBACK. Empty: not journaled (telemetry reaches hubd
  // over MQTT).
  std::filesystem::path journal_directory;
  std::uint64_t journal_max_bytes = 1ull << 30;
  unsigned journal_sync_ms = 10;
};

// max_packet_size the broker enforces for a payload limit: 2 x limit + 1024
// (room for the topic and MQTT header).
std::size_t broker_max_packet_size(std::size_t max_payload_bytes) noexcept;

// The text of mosquitto.conf. Throws std::invalid_argument if a setting
// cannot be written into the file (empty path, line break in a value,
// zero port).
std::string render_mosquitto_config(const MosquittoConfig& config);

}  // namespace edgehub::hub

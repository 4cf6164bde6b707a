// The limits the plugin enforces on devices, their names in the reports to
// hubd (hub/presence/presence_event.h "limited") and in plugin options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edgehub::hub::mosquitto_auth {

enum class DeviceLimit {
  messages_per_second,   // publishes of one device (token bucket)
  bytes_per_second,      // payload bytes of one device (token bucket)
  connects_per_minute,   // admitted connections of one device (token bucket)
  retained,              // a device publish with the retain flag
  connect_timeout,       // a connection without TLS + CONNECT in time (no device known)
  journal_unavailable,   // telemetry the broker journal cannot take (budget, disk, I/O)
  certificate_validity,  // a certificate presented before its notBefore or after its notAfter
};

const char* to_string(DeviceLimit limit) noexcept;

// A limit a device is over, and why, for the log and for hubd.
struct LimitHit {
  DeviceLimit limit = DeviceLimit::messages_per_second;
  std::string reason;
};

// Defaults a normal device never reaches (see README.md, "Device limits");
// 0 turns a limit off.
struct DeviceLimitSettings {
  // 200 msg/s sustained, bursts of 2,000 (a store-and-forward backlog flushed
  // at reconnect). hubd's own ingest does a few thousand msg/s in total.
  double messages_per_second = 200;
  double message_burst = 2000;
  // 1 MiB/s sustained, bursts of 8 MiB (16 messages of the largest packet
  // the broker takes by default, 2 x 256 KiB + 1 KiB).
  double bytes_per_second = 1024 * 1024;
  double byte_burst = 8 * 1024 * 1024;
  // Admitted connections per minute, also the burst: a reconnect loop is
  // refused at CONNECT after 30 in a row, then gets one every 2 s.
  double connects_per_minute = 30;
  bool refuse_retained = true;
};

}  // namespace edgehub::hub::mosquitto_auth

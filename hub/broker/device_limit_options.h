// The per-device limits and the connect deadline that hubd hands to the
// broker plugin as plugin_opt_* lines (hub/mosquitto-plugin/plugin_options.h
// parses them; README.md there says what each does). 0 = no limit.
#pragma once

#include <cstdint>

namespace edgehub::hub {

struct DeviceLimitOptions {
  std::uint64_t max_messages_per_second = 200;
  std::uint64_t message_burst = 2000;
  std::uint64_t max_bytes_per_second = 1024 * 1024;
  std::uint64_t byte_burst = 8 * 1024 * 1024;
  std::uint64_t max_connects_per_minute = 30;
  bool refuse_retained = true;
  // TLS handshake + CONNECT of a new connection; 0 = mosquitto's own 90 s.
  std::uint64_t connect_timeout_seconds = 10;
};

}  // namespace edgehub::hub

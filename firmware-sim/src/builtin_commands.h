// What a simulated device does for each command name (docs/protocol.md 4):
//   ping          200 {"pong":true,"uptime_ms":N}
//   set-interval  {"interval_ms":N}, 10 <= N < 2^32: 200 {"interval_ms":N} and
//                 the telemetry interval changes; 400 otherwise
//   anything else 404 {"error":"unknown command"}
// The same answers the device SDK gives for its built-in commands.
#pragma once

#include <cstdint>
#include <string_view>

#include "command_memory.h"

namespace edgehub::sim {

// What commands act on: the device behind the simulator's command desk.
class DeviceActions {
 public:
  virtual ~DeviceActions() = default;
  virtual std::uint64_t uptime_ms() = 0;
  virtual void set_interval(std::uint32_t interval_ms) = 0;
};

inline constexpr std::uint32_t kMinIntervalMs = 10;

// Executes the command; payload_json is its raw "payload" value.
CommandAnswer execute_builtin_command(std::string_view name, std::string_view payload_json,
                                      DeviceActions& device);

}  // namespace edgehub::sim

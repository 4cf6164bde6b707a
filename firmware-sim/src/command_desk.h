// A simulated device's command handling, apart from MQTT: decides how each
// command is answered and how long the device is busy with it, and keeps a
// device from executing one twice or late (docs/protocol.md 4 and 4.1,
// device duties).
//
// The device is modelled as a single-threaded one, like the MCUs the SDK is
// written for: it executes a command when it arrives and is busy for the
// command's latency; its answer goes out when the latency is over (the
// simulator holds the device's outgoing link meanwhile, see
// busy_transport.h). Commands arriving while it is busy wait their turn.
//
// Rules:
//   - an id already answered is answered again with the same result at once,
//     never executed again (a QoS 1 redelivery after a lost connection);
//   - deadline_ms (hub clock, ms since the epoch; 0 = none) already passed:
//     not executed, answered 408 {"error":"deadline passed"} (the protocol
//     allows 408 or nothing: 408 puts the reason on the command);
//   - a share of commands (failure rate) fails: 500 {"error":"simulated
//     failure"}, not executed, after the same latency.
//
// Time is passed in, so tests drive it without a clock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "builtin_commands.h"
#include "command_behaviour.h"
#include "command_memory.h"
#include "random_source.h"

namespace edgehub::sim {

inline constexpr int kStatusDeadlinePassed = 408;
inline constexpr int kStatusSimulatedFailure = 500;

struct IncomingCommand {
  std::string_view id;
  std::string_view name;
  std::string_view payload = "null";  // raw JSON
  std::uint64_t deadline_ms = 0;      // 0: none
};

struct CommandOutcome {
  CommandAnswer answer;
  std::uint64_t busy_ms = 0;  // how long the device works on it before answering
  bool operator==(const CommandOutcome&) const = default;
};

struct CommandDeskStatistics {
  std::uint64_t received = 0;
  std::uint64_t executed = 0;
  std::uint64_t failed = 0;           // simulated failures (500)
  std::uint64_t deadline_passed = 0;  // not executed: 408
  std::uint64_t duplicates = 0;       // redelivered, answered again from memory
};

class CommandDesk {
 public:
  CommandDesk(const CommandBehaviour& behaviour, RandomSource& random, DeviceActions& device);

  // Decides (and executes, when it is to be executed) the command that has
  // just arrived; epoch_ms is the device's wall clock.
  CommandOutcome receive(const IncomingCommand& command, std::uint64_t epoch_ms);

  const CommandDeskStatistics& statistics() const noexcept { return statistics_; }

 private:
  CommandOutcome answer(std::string_view id, CommandAnswer answer, std::uint64_t busy_ms);

  const CommandBehaviour& behaviour_;
  RandomSource& random_;
  DeviceActions& device_;
  CommandMemory memory_;
  CommandDeskStatistics statistics_;
};

}  // namespace edgehub::sim

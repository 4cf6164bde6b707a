// What the whole fleet did, shared by the worker threads, and the --json
// summary line printed at exit.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace edgehub::sim {

struct FleetCounters {
  std::atomic<std::uint64_t> sent{0};  // telemetry messages published (not resends)
  // Telemetry PUBACKs; a message the hub refused while it paused the device
  // is sent and acknowledged again after "resumed", so it counts twice.
  std::atomic<std::uint64_t> acked{0};
  // Devices that sent their --count and had every message acknowledged.
  std::atomic<std::uint64_t> devices_completed{0};
  std::atomic<std::uint64_t> commands_answered{0};  // responses published
  std::atomic<std::uint64_t> errors{0};      // failed connections, problems reported by the SDK
  std::atomic<std::uint64_t> reconnects{0};  // connections lost after they were up

  // Commands (command_desk.h).
  std::atomic<std::uint64_t> commands_received{0};
  std::atomic<std::uint64_t> commands_executed{0};
  std::atomic<std::uint64_t> commands_failed{0};           // simulated failures, answered 500
  std::atomic<std::uint64_t> commands_deadline_passed{0};  // not executed, answered 408
  std::atomic<std::uint64_t> commands_duplicates{0};       // redeliveries, not executed again
  // Going offline on purpose (--offline-every) and what happened meanwhile.
  std::atomic<std::uint64_t> offline_periods{0};
  std::atomic<std::uint64_t> telemetry_buffered_offline{0};  // readings stored while offline
  std::atomic<std::uint64_t> telemetry_held_back{0};  // readings not taken: the buffer was full
  // Twins and flow control.
  std::atomic<std::uint64_t> twin_desired_applied{0};
  std::atomic<std::uint64_t> twin_reports{0};
  std::atomic<std::uint64_t> flow_paused{0};
  std::atomic<std::uint64_t> flow_resumed{0};
};

// {"devices":N,"sent":..,"acked":..,"commands_answered":..,"errors":..,"reconnects":..,...}
// (every counter above, by its name).
std::string summary_json(std::size_t devices, const FleetCounters& counters);

}  // namespace edgehub::sim

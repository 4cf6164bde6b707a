// What the whole fleet did, shared by the worker threads, and the --json
// summary line printed at exit.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace edgehub::sim {

struct FleetCounters {
  std::atomic<std::uint64_t> sent{0};               // telemetry messages published (not resends)
  std::atomic<std::uint64_t> acked{0};              // telemetry PUBACKs
  std::atomic<std::uint64_t> commands_answered{0};  // responses published
  std::atomic<std::uint64_t> errors{0};      // failed connections, problems reported by the SDK
  std::atomic<std::uint64_t> reconnects{0};  // connections lost after they were up
};

// {"devices":N,"sent":..,"acked":..,"commands_answered":..,"errors":..,"reconnects":..}
std::string summary_json(std::size_t devices, const FleetCounters& counters);

}  // namespace edgehub::sim

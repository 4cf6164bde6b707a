// Time for the simulator: a steady clock for schedules, the wall clock for
// telemetry timestamps and seq.
#pragma once

#include <chrono>
#include <cstdint>

namespace edgehub::sim {

inline std::uint64_t steady_ms() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

inline std::uint64_t steady_us() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count());
}

inline std::uint64_t epoch_ms() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

inline std::uint64_t epoch_us() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace edgehub::sim

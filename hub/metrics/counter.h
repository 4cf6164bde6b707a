// A monotonic counter for a hot path: one relaxed atomic add, no lock.
// Snapshot readers may see a value a moment old, never a torn one.
#pragma once

#include <atomic>
#include <cstdint>

namespace edgehub::hub {

class Counter {
 public:
  void increment(std::uint64_t by = 1) noexcept { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace edgehub::hub

#include "connect_pacer.h"

#include <algorithm>

namespace edgehub::sim {

std::uint64_t ConnectPacer::claim(std::uint64_t now_us) noexcept {
  const std::uint64_t interval_us = interval_us_.load(std::memory_order_relaxed);
  if (interval_us == 0) return now_us;
  std::uint64_t next = next_free_us_.load(std::memory_order_relaxed);
  for (;;) {
    // A slot left unused in the past is not saved up: no burst after a lull.
    const std::uint64_t slot = std::max(next, now_us);
    if (next_free_us_.compare_exchange_weak(next, slot + interval_us, std::memory_order_relaxed)) {
      return slot;
    }
  }
}

}  // namespace edgehub::sim

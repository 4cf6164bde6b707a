#include "backoff.h"

#include <algorithm>

namespace edgehub::sim {

std::uint32_t Backoff::next_delay_ms() {
  const std::uint64_t ceiling = std::min<std::uint64_t>(
      cap_ms_, static_cast<std::uint64_t>(base_ms_) << std::min(attempt_, 20U));
  attempt_ = std::min(attempt_ + 1, 20U);
  // Never 0: a refused connection is not retried in a busy loop.
  std::uniform_int_distribution<std::uint64_t> delay(ceiling / 10 + 1, ceiling);
  return static_cast<std::uint32_t>(delay(random_));
}

}  // namespace edgehub::sim

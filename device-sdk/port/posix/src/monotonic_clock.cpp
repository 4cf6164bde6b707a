#include "edgehub/device/posix/monotonic_clock.h"

#include <time.h>

namespace edgehub::device::posix {
namespace {

std::uint32_t now_ms(void* /*context*/) { return monotonic_ms(); }

}  // namespace

std::uint32_t monotonic_ms() noexcept {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const auto ms = static_cast<std::uint64_t>(now.tv_sec) * 1000U +
                  static_cast<std::uint64_t>(now.tv_nsec) / 1'000'000U;
  return static_cast<std::uint32_t>(ms);  // wraps by design
}

Clock monotonic_clock() noexcept {
  Clock clock;
  clock.now_ms = &now_ms;
  return clock;
}

}  // namespace edgehub::device::posix

// Time as a seam: the SDK core never reads a clock itself.
//
// now_ms returns a millisecond counter that wraps at 2^32 (about 49.7 days);
// only differences are meaningful. All comparisons in the SDK go through
// elapsed_ms(), which is correct across the wrap as long as the intervals
// compared are shorter than 2^31 ms.
#pragma once

#include <cstdint>

namespace edgehub::device {

struct Clock {
  void* context = nullptr;
  std::uint32_t (*now_ms)(void* context) = nullptr;
};

// Milliseconds from `since` to `now`, modulo 2^32.
constexpr std::uint32_t elapsed_ms(std::uint32_t since, std::uint32_t now) noexcept {
  return static_cast<std::uint32_t>(now - since);
}

}  // namespace edgehub::device

// The SDK's Clock on POSIX: CLOCK_MONOTONIC in milliseconds, wrapping at 2^32.
#pragma once

#include <cstdint>

#include "edgehub/device/clock.h"

namespace edgehub::device::posix {

std::uint32_t monotonic_ms() noexcept;

// A Clock whose now_ms is monotonic_ms(); needs no context.
Clock monotonic_clock() noexcept;

}  // namespace edgehub::device::posix

// A Storage over caller-owned RAM: the offline buffer in memory. It survives
// a lost connection; it survives a reboot only if the array lives in a
// section the start-up code does not clear (e.g. .noinit), since the buffer
// recognises its own header.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/storage.h"

namespace edgehub::device::reliability {

Storage memory_storage(std::uint8_t* bytes, std::size_t capacity) noexcept;

}  // namespace edgehub::device::reliability

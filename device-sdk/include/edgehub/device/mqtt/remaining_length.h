// The MQTT remaining-length field: 1 to 4 bytes, 7 bits each, low group first,
// bit 7 set when another byte follows.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/status.h"

namespace edgehub::device::mqtt {

// Bytes needed to encode value (1..4), or 0 if value exceeds kMaxRemainingLength.
std::size_t remaining_length_size(std::size_t value) noexcept;

// Encodes value. bad_parameter above kMaxRemainingLength, buffer_too_small if
// capacity is less than remaining_length_size(value).
Status encode_remaining_length(std::size_t value, std::uint8_t* buffer, std::size_t capacity,
                               std::size_t* written) noexcept;

// Decodes the field at the start of data (the bytes after the type byte).
//   ok          value and used are set;
//   incomplete  data ends inside the field (every byte so far has bit 7 set);
//   malformed   a fifth length byte, or a longer encoding than needed.
Status decode_remaining_length(const std::uint8_t* data, std::size_t length, std::size_t* value,
                               std::size_t* used) noexcept;

}  // namespace edgehub::device::mqtt

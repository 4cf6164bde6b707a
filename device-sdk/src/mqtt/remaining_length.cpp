#include "edgehub/device/mqtt/remaining_length.h"

#include "edgehub/device/mqtt/packets.h"

namespace edgehub::device::mqtt {

std::size_t remaining_length_size(std::size_t value) noexcept {
  if (value < 128) return 1;
  if (value < 16'384) return 2;
  if (value < 2'097'152) return 3;
  if (value <= kMaxRemainingLength) return 4;
  return 0;
}

Status encode_remaining_length(std::size_t value, std::uint8_t* buffer, std::size_t capacity,
                               std::size_t* written) noexcept {
  const std::size_t size = remaining_length_size(value);
  if (size == 0 || written == nullptr) return Status::bad_parameter;
  if (buffer == nullptr || capacity < size) return Status::buffer_too_small;
  for (std::size_t i = 0; i < size; ++i) {
    auto digit = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7;
    if (i + 1 < size) digit |= 0x80;
    buffer[i] = digit;
  }
  *written = size;
  return Status::ok;
}

Status decode_remaining_length(const std::uint8_t* data, std::size_t length, std::size_t* value,
                               std::size_t* used) noexcept {
  if (value == nullptr || used == nullptr || (data == nullptr && length > 0)) {
    return Status::bad_parameter;
  }
  std::size_t result = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i >= length) return Status::incomplete;
    const std::uint8_t digit = data[i];
    result |= static_cast<std::size_t>(digit & 0x7F) << (7 * i);
    if ((digit & 0x80) == 0) {
      // A trailing zero group means the encoding is longer than needed.
      if (i > 0 && digit == 0) return Status::malformed;
      *value = result;
      *used = i + 1;
      return Status::ok;
    }
  }
  return Status::malformed;  // a fifth length byte would follow
}

}  // namespace edgehub::device::mqtt

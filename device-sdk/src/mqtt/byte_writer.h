// Internal: appends big-endian integers and MQTT strings to a buffer whose
// capacity the caller has already checked against the exact packet size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace edgehub::device::mqtt::detail {

class ByteWriter {
 public:
  explicit ByteWriter(std::uint8_t* buffer) noexcept : buffer_(buffer) {}

  void byte(std::uint8_t value) noexcept { buffer_[at_++] = value; }
  void u16(std::uint16_t value) noexcept {
    byte(static_cast<std::uint8_t>(value >> 8));
    byte(static_cast<std::uint8_t>(value & 0xFF));
  }
  void bytes(std::string_view data) noexcept {
    if (!data.empty()) std::memcpy(buffer_ + at_, data.data(), data.size());
    at_ += data.size();
  }
  // A length-prefixed MQTT string (UTF-8 or binary data).
  void string(std::string_view text) noexcept {
    u16(static_cast<std::uint16_t>(text.size()));
    bytes(text);
  }
  std::uint8_t* cursor() noexcept { return buffer_ + at_; }
  void advance(std::size_t count) noexcept { at_ += count; }
  std::size_t written() const noexcept { return at_; }

 private:
  std::uint8_t* buffer_;
  std::size_t at_ = 0;
};

}  // namespace edgehub::device::mqtt::detail

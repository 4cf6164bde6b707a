// Internal: appends text and decimal numbers to a caller-owned char buffer,
// remembering (instead of overrunning) when it does not fit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace edgehub::device::hub::detail {

class TextWriter {
 public:
  TextWriter(char* buffer, std::size_t capacity) noexcept
      : buffer_(buffer), capacity_(buffer == nullptr ? 0 : capacity) {}

  void text(std::string_view text) noexcept { append(text.data(), text.size()); }
  // A string literal: its length is known here, which makes the call smaller.
  template <std::size_t N>
  void text(const char (&literal)[N]) noexcept {
    append(literal, N - 1);
  }
  void append(const char* data, std::size_t length) noexcept;

  // Decimal, without 64-bit division: a Cortex-M has none in hardware and
  // libgcc's costs 700 bytes of flash (text_writer.cpp).
  void number(std::uint64_t value) noexcept;

  bool overflowed() const noexcept { return overflowed_; }
  std::size_t length() const noexcept { return length_; }

 private:
  char* buffer_;
  std::size_t capacity_;
  std::size_t length_ = 0;
  bool overflowed_ = false;
};

}  // namespace edgehub::device::hub::detail

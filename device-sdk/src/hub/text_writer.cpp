#include "hub/text_writer.h"

namespace edgehub::device::hub::detail {
namespace {

// value / 10 in four 16-bit steps of long division, each a 32-bit division
// (one instruction on a Cortex-M3/M4): a 64-bit division would pull in 700
// bytes of libgcc.
std::uint64_t divide_by_10(std::uint64_t value, unsigned* remainder) noexcept {
  std::uint64_t quotient = 0;
  std::uint32_t rest = 0;
  for (unsigned step = 0; step < 4; ++step) {
    const auto part = (rest << 16) | static_cast<std::uint32_t>(value >> 48);
    value <<= 16;
    quotient = (quotient << 16) | (part / 10);
    rest = part % 10;
  }
  *remainder = rest;
  return quotient;
}

}  // namespace

void TextWriter::append(const char* data, std::size_t length) noexcept {
  if (overflowed_ || capacity_ - length_ < length) {
    overflowed_ = true;
    return;
  }
  if (length != 0) std::memcpy(buffer_ + length_, data, length);
  length_ += length;
}

void TextWriter::number(std::uint64_t value) noexcept {
  char digits[20];
  std::size_t count = 0;
  do {
    unsigned digit = 0;
    value = divide_by_10(value, &digit);
    digits[sizeof(digits) - 1 - count++] = static_cast<char>('0' + digit);
  } while (value != 0);
  text(std::string_view(digits + sizeof(digits) - count, count));
}

}  // namespace edgehub::device::hub::detail

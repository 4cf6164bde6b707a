#include "hub/text_writer.h"

namespace edgehub::device::hub::detail {
namespace {

// value / 10 with shifts and adds (Hacker's Delight, divu10), exact for all
// 64-bit values: a Cortex-M has no 64-bit divide instruction.
std::uint64_t divide_by_10(std::uint64_t value, unsigned* remainder) noexcept {
  std::uint64_t quotient = (value >> 1) + (value >> 2);
  quotient += quotient >> 4;
  quotient += quotient >> 8;
  quotient += quotient >> 16;
  quotient += quotient >> 32;
  quotient >>= 3;
  auto rest = static_cast<unsigned>(value - quotient * 10);
  if (rest > 9) {
    ++quotient;
    rest -= 10;
  }
  *remainder = rest;
  return quotient;
}

}  // namespace

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

#include "api/spliceable_json.h"

#include <cmath>
#include <cstdlib>

#include "api/text_encoding.h"

namespace edgehub::hub {
namespace {

constexpr int kMaxDepth = 64;
// Longer numbers might not be finite doubles: left to the full parser.
constexpr std::size_t kMaxNumberLength = 64;

class Checker {
 public:
  explicit Checker(std::string_view text) : at_(text.data()), end_(text.data() + text.size()) {}

  bool text() {
    skip_space();
    if (!value()) return false;
    skip_space();
    return at_ == end_;
  }

 private:
  // One value; containers are followed with an explicit stack (no recursion).
  bool value() {
    char stack[kMaxDepth];  // '}' or ']': what closes each open container
    int depth = 0;
    while (true) {
      skip_space();
      if (at_ == end_) return false;
      // A scalar, or the opening of a container.
      const char c = *at_;
      if (c == '{' || c == '[') {
        if (depth == kMaxDepth) return false;
        ++at_;
        stack[depth++] = c == '{' ? '}' : ']';
        skip_space();
        if (at_ < end_ && *at_ == stack[depth - 1]) {
          ++at_;
          --depth;
        } else {
          if (stack[depth - 1] == '}' && !member_name()) return false;
          continue;  // the first member's (element's) value
        }
      } else if (!scalar()) {
        return false;
      }
      // After a value: close containers, or go on with the next member.
      while (true) {
        if (depth == 0) return true;
        skip_space();
        if (at_ == end_) return false;
        if (*at_ == stack[depth - 1]) {
          ++at_;
          --depth;
          continue;
        }
        if (*at_ != ',') return false;
        ++at_;
        if (stack[depth - 1] == '}' && !member_name()) return false;
        break;
      }
    }
  }

  // "name" : (the value follows)
  bool member_name() {
    skip_space();
    if (!string()) return false;
    skip_space();
    if (at_ == end_ || *at_ != ':') return false;
    ++at_;
    return true;
  }

  bool scalar() {
    switch (*at_) {
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - at_) < word.size() ||
        std::string_view(at_, word.size()) != word) {
      return false;
    }
    at_ += word.size();
    return true;
  }

  // The text's bytes are valid UTF-8 (checked once up front); here only the
  // JSON rules: no control characters, known escapes, no escaped surrogates
  // (left to the full parser).
  bool string() {
    if (at_ == end_ || *at_ != '"') return false;
    ++at_;
    while (at_ < end_) {
      const auto byte = static_cast<unsigned char>(*at_++);
      if (byte == '"') return true;
      if (byte < 0x20) return false;
      if (byte != '\\') continue;
      if (at_ == end_) return false;
      switch (*at_++) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          break;
        case 'u': {
          if (end_ - at_ < 4) return false;
          unsigned code = 0;
          for (int i = 0; i < 4; ++i) {
            const char h = *at_++;
            code <<= 4;
            if (h >= '0' && h <= '9')
              code |= static_cast<unsigned>(h - '0');
            else if (h >= 'a' && h <= 'f')
              code |= static_cast<unsigned>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
              code |= static_cast<unsigned>(h - 'A' + 10);
            else
              return false;
          }
          if (code >= 0xD800 && code <= 0xDFFF) return false;
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, and finite as a double.
  bool number() {
    const char* start = at_;
    if (at_ < end_ && *at_ == '-') ++at_;
    if (at_ == end_ || !digit(*at_)) return false;
    if (*at_ == '0') {
      ++at_;
    } else {
      while (at_ < end_ && digit(*at_)) ++at_;
    }
    if (at_ < end_ && *at_ == '.') {
      ++at_;
      if (at_ == end_ || !digit(*at_)) return false;
      while (at_ < end_ && digit(*at_)) ++at_;
    }
    bool exponent = false;
    if (at_ < end_ && (*at_ == 'e' || *at_ == 'E')) {
      exponent = true;
      ++at_;
      if (at_ < end_ && (*at_ == '+' || *at_ == '-')) ++at_;
      if (at_ == end_ || !digit(*at_)) return false;
      while (at_ < end_ && digit(*at_)) ++at_;
    }
    const auto length = static_cast<std::size_t>(at_ - start);
    if (length > kMaxNumberLength) return false;
    if (!exponent) return true;  // at most 64 digits: far below DBL_MAX
    char copy[kMaxNumberLength + 1];
    for (std::size_t i = 0; i < length; ++i) copy[i] = start[i];
    copy[length] = '\0';
    return std::isfinite(std::strtod(copy, nullptr));
  }

  void skip_space() {
    while (at_ < end_ && (*at_ == ' ' || *at_ == '\t' || *at_ == '\n' || *at_ == '\r')) ++at_;
  }

  const char* at_;
  const char* end_;
};

}  // namespace

bool is_spliceable_json(std::string_view text) noexcept {
  if (!is_valid_utf8(text)) return false;
  return Checker(text).text();
}

}  // namespace edgehub::hub

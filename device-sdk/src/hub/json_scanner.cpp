#include "edgehub/device/hub/json_scanner.h"

#include "edgehub/device/config.h"

namespace edgehub::device::json {
namespace {

bool is_whitespace(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

int hex_value(char c) noexcept {
  if (is_digit(c)) return c - '0';
  c = static_cast<char>(c | 0x20);  // 'A'..'F' to 'a'..'f'; no other character becomes one
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// text[start, start + length): string_view::substr() may throw, which would
// pull exception support into a -fno-exceptions firmware.
std::string_view slice(std::string_view text, std::size_t start, std::size_t length) noexcept {
  return std::string_view(text.data() + start, length);
}

// Reads 4 hex digits at text[at..at+4): the code unit, or -1.
long read_hex4(std::string_view text, std::size_t at) noexcept {
  if (at > text.size() || text.size() - at < 4) return -1;
  long value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const int digit = hex_value(text[at + i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

// Where decoded string bytes go: into `out`, or compared with `expected`
// (string_equals). Remembers, instead of overrunning, that they did not fit
// or differ.
struct ByteSink {
  char* out;
  const char* expected;
  std::size_t capacity;
  std::size_t length = 0;
  bool failed = false;

  void put(unsigned long byte) noexcept {
    const auto c = static_cast<char>(byte);
    if (length == capacity || (expected != nullptr && expected[length] != c)) {
      failed = true;
      return;
    }
    if (out != nullptr) out[length] = c;
    ++length;
  }
};

// A code point as UTF-8: a lead byte, then 6 bits per continuation byte.
void put_utf8(unsigned long code, ByteSink& sink) noexcept {
  if (code < 0x80) {
    sink.put(code);
    return;
  }
  unsigned continuation = code < 0x800 ? 1 : (code < 0x10000 ? 2 : 3);
  sink.put(((0xF0UL << (3 - continuation)) & 0xFF) | (code >> (6 * continuation)));
  while (continuation-- > 0) sink.put(0x80 | ((code >> (6 * continuation)) & 0x3F));
}

// The character a one-letter escape (\n, \", ...) stands for, or '\0': a
// table of pairs (escape letter, character) is smaller than a switch.
char simple_escape(char escape) noexcept {
  static constexpr char kPairs[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
  for (const char* pair = kPairs; *pair != '\0'; pair += 2) {
    if (*pair == escape) return pair[1];
  }
  return '\0';
}

// Decodes the escape starting after the backslash at raw[*at]; advances *at.
// Returns the code point, or -1 for a bad escape or a lone surrogate.
long decode_escape(std::string_view raw, std::size_t* at) noexcept {
  if (*at >= raw.size()) return -1;
  const char escape = raw[(*at)++];
  if (escape != 'u') {
    const char c = simple_escape(escape);
    return c == '\0' ? -1 : static_cast<unsigned char>(c);
  }
  const long unit = read_hex4(raw, *at);
  if (unit < 0) return -1;
  *at += 4;
  if (unit >= 0xDC00 && unit <= 0xDFFF) return -1;
  if (unit < 0xD800 || unit > 0xDBFF) return unit;
  // A high surrogate must be followed by \u and a low surrogate.
  if (raw.size() - *at < 6 || raw[*at] != '\\' || raw[*at + 1] != 'u') return -1;
  const long low = read_hex4(raw, *at + 2);
  if (low < 0xDC00 || low > 0xDFFF) return -1;
  *at += 6;
  return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
}

// Decodes the raw content of a JSON string (between its quotes) into sink:
// ok, malformed (a raw control character or quote, a bad escape, a lone
// surrogate) or buffer_too_small (sink failed). UTF-8 bytes pass as they are.
Status decode_string(std::string_view raw, ByteSink& sink) noexcept {
  std::size_t at = 0;
  while (at < raw.size()) {
    long code = static_cast<unsigned char>(raw[at++]);
    if (code == '\\') {
      code = decode_escape(raw, &at);
      if (code < 0) return Status::malformed;
      put_utf8(static_cast<unsigned long>(code), sink);
      continue;
    }
    if (code < 0x20 || code == '"') return Status::malformed;
    sink.put(static_cast<unsigned long>(code));
  }
  return sink.failed ? Status::buffer_too_small : Status::ok;
}

// Recursive-descent syntax check; `at` moves past what was scanned.
class Scanner {
 public:
  explicit Scanner(std::string_view text, std::size_t at = 0) noexcept : text_(text), at_(at) {}

  std::size_t position() const noexcept { return at_; }
  bool at_end() const noexcept { return at_ >= text_.size(); }
  char peek() const noexcept { return at_end() ? '\0' : text_[at_]; }
  // c is never '\0', which peek() returns at the end.
  bool consume(char c) noexcept {
    if (peek() != c) return false;
    ++at_;
    return true;
  }
  void skip_whitespace() noexcept {
    while (!at_end() && is_whitespace(text_[at_])) ++at_;
  }

  bool value(unsigned depth) noexcept {
    skip_whitespace();
    switch (peek()) {
      case '{':
      case '[':
        return depth < config::kJsonMaxDepth && container(depth + 1);
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

  // Syntax only: a lone surrogate escape (\ud800) is valid JSON text;
  // read_string() refuses to decode it.
  bool string() noexcept {
    if (!consume('"')) return false;
    while (!at_end()) {
      const char c = text_[at_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;  // raw control character
      if (c != '\\') continue;
      if (at_end()) return false;
      const char escape = text_[at_++];
      if (escape == 'u') {
        if (read_hex4(text_, at_) < 0) return false;
        at_ += 4;
      } else if (simple_escape(escape) == '\0') {
        return false;
      }
    }
    return false;  // unterminated
  }

  // Scans "key": and leaves `at` on the value; *key is the raw string content.
  bool member_name(std::string_view* key) noexcept {
    skip_whitespace();
    const std::size_t start = at_;
    if (!string()) return false;
    *key = slice(text_, start + 1, at_ - start - 2);
    skip_whitespace();
    return consume(':');
  }

 private:
  // true, false or null: each letter in turn.
  bool literal(const char* word) noexcept {
    for (; *word != '\0'; ++word) {
      if (!consume(*word)) return false;
    }
    return true;
  }

  bool digits() noexcept {
    if (!is_digit(peek())) return false;
    while (is_digit(peek())) ++at_;
    return true;
  }

  bool number() noexcept {
    (void)consume('-');
    if (consume('0')) {
      if (is_digit(peek())) return false;  // no leading zeros
    } else if (!digits()) {
      return false;
    }
    if (consume('.') && !digits()) return false;
    if (peek() == 'e' || peek() == 'E') {
      ++at_;
      if (!consume('+')) (void)consume('-');
      if (!digits()) return false;
    }
    return true;
  }

  // An array or an object (at_ on its opening bracket): one loop, in which
  // each member of an object starts with its name.
  bool container(unsigned depth) noexcept {
    const bool is_object = text_[at_++] == '{';
    const char close = is_object ? '}' : ']';
    skip_whitespace();
    if (consume(close)) return true;
    for (;;) {
      std::string_view key;
      if ((is_object && !member_name(&key)) || !value(depth)) return false;
      skip_whitespace();
      if (consume(close)) return true;
      if (!consume(',')) return false;
    }
  }

  std::string_view text_;
  std::size_t at_;
};

}  // namespace

Status validate(std::string_view text) noexcept {
  Scanner scanner(text);
  if (!scanner.value(0)) return Status::malformed;
  scanner.skip_whitespace();
  return scanner.at_end() ? Status::ok : Status::malformed;
}

Status ObjectReader::next(std::string_view* key, std::string_view* value) noexcept {
  if (key == nullptr || value == nullptr) return Status::bad_parameter;
  if (finished_) return Status::not_found;
  Scanner scanner(text_, at_);
  scanner.skip_whitespace();
  if (!started_) {
    if (!scanner.consume('{')) return Status::malformed;
    started_ = true;
    scanner.skip_whitespace();
    if (scanner.consume('}')) {
      finished_ = true;
      at_ = scanner.position();
      return Status::not_found;
    }
  } else if (!scanner.consume(',')) {
    if (!scanner.consume('}')) return Status::malformed;
    finished_ = true;
    at_ = scanner.position();
    return Status::not_found;
  }
  if (!scanner.member_name(key)) return Status::malformed;
  scanner.skip_whitespace();
  const std::size_t value_start = scanner.position();
  if (!scanner.value(1)) return Status::malformed;
  *value = slice(text_, value_start, scanner.position() - value_start);
  scanner.skip_whitespace();
  at_ = scanner.position();
  return Status::ok;
}

bool string_equals(std::string_view raw, std::string_view text) noexcept {
  ByteSink sink{nullptr, text.data(), text.size()};
  return decode_string(raw, sink) == Status::ok && sink.length == text.size();
}

Status find_member(std::string_view object_text, std::string_view key,
                   std::string_view* value) noexcept {
  if (value == nullptr) return Status::bad_parameter;
  const Status status = read_members(object_text, &key, 1, value);
  if (status != Status::ok) return status;
  return value->empty() ? Status::not_found : Status::ok;
}

Status read_members(std::string_view message, const std::string_view* names, unsigned count,
                    std::string_view* values) noexcept {
  for (unsigned i = 0; i < count; ++i) values[i] = {};
  if (validate(message) != Status::ok) return Status::malformed;
  Status result = Status::ok;
  unsigned seen = 0;
  ObjectReader reader(message);
  std::string_view name;
  std::string_view member;
  for (;;) {
    const Status status = reader.next(&name, &member);
    if (status == Status::not_found) return result;
    if (status != Status::ok) return status;
    unsigned field = 0;
    while (field < count && !string_equals(name, names[field])) ++field;
    if (field == count) continue;
    const unsigned bit = 1U << field;
    if ((seen & bit) != 0) {
      member = {};
      result = Status::malformed;
    }
    seen |= bit;
    values[field] = member;
  }
}

bool is_object(std::string_view text) noexcept {
  Scanner scanner(text);
  scanner.skip_whitespace();
  return scanner.peek() == '{' && validate(text) == Status::ok;
}

Status read_string(std::string_view value, char* out, std::size_t capacity,
                   std::size_t* length) noexcept {
  if (length == nullptr || (out == nullptr && capacity > 0)) return Status::bad_parameter;
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') return Status::malformed;
  ByteSink sink{out, nullptr, capacity};
  const Status status = decode_string(slice(value, 1, value.size() - 2), sink);
  if (status == Status::ok) *length = sink.length;
  return status;
}

Status read_uint64(std::string_view value, std::uint64_t* out) noexcept {
  if (out == nullptr) return Status::bad_parameter;
  if (value.empty() || value.size() > 20) return Status::malformed;
  if (value.size() > 1 && value[0] == '0') return Status::malformed;
  std::uint64_t result = 0;
  for (char c : value) {
    if (!is_digit(c)) return Status::malformed;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    // Constant bounds: no run-time 64-bit division (libgcc's costs 700 bytes on a Cortex-M).
    constexpr std::uint64_t kLimit = UINT64_MAX / 10;
    if (result > kLimit || (result == kLimit && digit > UINT64_MAX % 10)) return Status::malformed;
    result = result * 10 + digit;
  }
  *out = result;
  return Status::ok;
}

}  // namespace edgehub::device::json

// ingest_bench replay's consumer: takes one line of an NDJSON stream read
// (docs/protocol.md section 6) apart the way a real consumer would, without a
// DOM: every field of the record is scanned, strings are unescaped, and the
// payload's JSON text is delimited (nesting and strings followed) so that it
// can be handed on as it is. The last line {"next_offset":N} and an error
// line {"error":{...}} are told apart from records.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace edgehub::bench {

struct RecordLine {
  bool has_offset = false;
  std::uint64_t offset = 0;
  std::int64_t received_at_ms = 0;
  std::string device;
  std::optional<std::uint64_t> seq;
  std::string topic;
  std::string_view payload;    // JSON text of "payload", or the decoded payload_text/_base64
  std::string payload_string;  // storage for payload_text / payload_base64
  std::string reason;
  std::optional<std::uint64_t> next_offset;  // the last line
  std::string_view error;                    // the error line's {"code","message"} text
};

class LineScanner {
 public:
  explicit LineScanner(std::string_view text) : at_(text.data()), end_(text.data() + text.size()) {}

  void skip_space() {
    while (at_ < end_ && (*at_ == ' ' || *at_ == '\t' || *at_ == '\r' || *at_ == '\n')) ++at_;
  }
  bool consume(char c) {
    skip_space();
    if (at_ < end_ && *at_ == c) {
      ++at_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!consume(c)) fail(std::string("expected '") + c + "'");
  }
  bool at_end() {
    skip_space();
    return at_ == end_;
  }

  // A string literal, unescaped into out.
  void string(std::string& out) {
    expect('"');
    out.clear();
    while (true) {
      const char* start = at_;
      while (at_ < end_ && *at_ != '"' && *at_ != '\\') ++at_;
      out.append(start, at_);
      if (at_ == end_) fail("unterminated string");
      if (*at_++ == '"') return;
      if (at_ == end_) fail("unterminated escape");
      const char escaped = *at_++;
      switch (escaped) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u':
          append_utf8(out, code_point());
          break;
        default:
          fail("bad escape");
      }
    }
  }

  std::uint64_t unsigned_number() {
    skip_space();
    if (at_ == end_ || *at_ < '0' || *at_ > '9') fail("expected an unsigned integer");
    std::uint64_t value = 0;
    while (at_ < end_ && *at_ >= '0' && *at_ <= '9') {
      value = value * 10 + static_cast<std::uint64_t>(*at_++ - '0');
    }
    return value;
  }
  std::int64_t signed_number() {
    skip_space();
    const bool negative = at_ < end_ && *at_ == '-';
    if (negative) ++at_;
    const auto magnitude = static_cast<std::int64_t>(unsigned_number());
    return negative ? -magnitude : magnitude;
  }
  bool null() {
    skip_space();
    if (std::string_view(at_, static_cast<std::size_t>(end_ - at_)).starts_with("null")) {
      at_ += 4;
      return true;
    }
    return false;
  }

  // Any JSON value, skipped: its text.
  std::string_view value_text() {
    skip_space();
    const char* start = at_;
    if (at_ == end_) fail("expected a value");
    if (*at_ == '{' || *at_ == '[') {
      int depth = 0;
      do {
        const char c = *at_;
        if (c == '"') {
          skip_string();
          continue;
        }
        if (c == '{' || c == '[') ++depth;
        if (c == '}' || c == ']') --depth;
        ++at_;
      } while (depth > 0 && at_ < end_);
      if (depth != 0) fail("unbalanced value");
    } else if (*at_ == '"') {
      skip_string();
    } else {
      while (at_ < end_ && *at_ != ',' && *at_ != '}' && *at_ != ']' && *at_ != ' ') ++at_;
      if (at_ == start) fail("expected a value");
    }
    return {start, static_cast<std::size_t>(at_ - start)};
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("record line: " + what);
  }

 private:
  void skip_string() {
    ++at_;  // the opening quote
    while (at_ < end_ && *at_ != '"') {
      if (*at_ == '\\' && ++at_ == end_) break;  // an escape: skip the escaped byte too
      ++at_;
    }
    if (at_ == end_) fail("unterminated string");
    ++at_;
  }
  unsigned hex4() {
    if (end_ - at_ < 4) fail("short \\u escape");
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *at_++;
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        value |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        value |= static_cast<unsigned>(c - 'A' + 10);
      else
        fail("bad \\u escape");
    }
    return value;
  }
  unsigned code_point() {
    const unsigned first = hex4();
    if (first < 0xD800 || first > 0xDBFF) return first;
    if (end_ - at_ < 6 || at_[0] != '\\' || at_[1] != 'u') fail("lone surrogate");
    at_ += 2;
    const unsigned second = hex4();
    return 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
  }
  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  const char* at_;
  const char* end_;
};

// Fills `line` (its strings keep their capacity from line to line); throws
// std::runtime_error for a line that is not one JSON object.
inline void parse_record_line(std::string_view text, RecordLine& line, std::string& key) {
  line.has_offset = false;
  line.seq.reset();
  line.payload = {};
  line.reason.clear();
  line.next_offset.reset();
  line.error = {};
  LineScanner scan(text);
  scan.expect('{');
  if (!scan.consume('}')) {
    do {
      scan.string(key);
      scan.expect(':');
      if (key == "offset") {
        line.offset = scan.unsigned_number();
        line.has_offset = true;
      } else if (key == "received_at_ms") {
        line.received_at_ms = scan.signed_number();
      } else if (key == "device") {
        scan.string(line.device);
      } else if (key == "seq") {
        if (!scan.null()) line.seq = scan.unsigned_number();
      } else if (key == "topic") {
        scan.string(line.topic);
      } else if (key == "payload") {
        line.payload = scan.value_text();
      } else if (key == "payload_text" || key == "payload_base64") {
        scan.string(line.payload_string);
        line.payload = line.payload_string;
      } else if (key == "reason") {
        scan.string(line.reason);
      } else if (key == "next_offset") {
        line.next_offset = scan.unsigned_number();
      } else if (key == "error") {
        line.error = scan.value_text();
      } else {
        scan.value_text();
      }
    } while (scan.consume(','));
    scan.expect('}');
  }
  if (!scan.at_end()) scan.fail("text after the object");
}

}  // namespace edgehub::bench

#include "hubd/json_log_line.h"

#include <cstdint>
#include <cstdio>
#include <ctime>

namespace edgehub::hub {
namespace {

constexpr std::size_t kMaxComponentLength = 32;

// Length of the well-formed UTF-8 sequence at text[at] (no overlong forms,
// no surrogates, at most U+10FFFF), or 0 if there is none.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  const auto continuation = [&](std::size_t i) {
    return at + i < text.size() && (byte(i) & 0xC0) == 0x80;
  };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (lead == 0xE0 && byte(1) < 0xA0) return 0;   // overlong
    if (lead == 0xED && byte(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (lead == 0xF0 && byte(1) < 0x90) return 0;   // overlong
    if (lead == 0xF4 && byte(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

void append_hex_byte(std::string& out, const char* prefix, unsigned char byte) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%s%02X", prefix, byte);
  out += buffer;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t at = 0; at < text.size();) {
    const auto c = static_cast<unsigned char>(text[at]);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20) {
      append_hex_byte(out, "\\u00", c);
    } else {
      const std::size_t length = utf8_sequence_length(text, at);
      if (length == 0) {
        append_hex_byte(out, "\\\\x", c);  // the text \xNN: kept, and the line stays UTF-8
        ++at;
        continue;
      }
      out.append(text.substr(at, length));
      at += length;
      continue;
    }
    ++at;
  }
  out += '"';
}

std::string rfc3339_utc_ms(std::chrono::system_clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds);
  const std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  ::gmtime_r(&whole, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis.count()));
  return buffer;
}

std::string_view log_component(std::string_view message) {
  const std::size_t colon = message.find(": ");
  if (colon == 0 || colon == std::string_view::npos || colon > kMaxComponentLength) return "hubd";
  for (char c : message.substr(0, colon)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return "hubd";
  }
  return message.substr(0, colon);
}

std::string json_log_line(const LogRecord& record) {
  std::string line;
  line.reserve(96 + record.message.size());
  line += "{\"time\":\"" + rfc3339_utc_ms(record.time) + "\",\"level\":";
  append_json_string(line, record.level);
  line += ",\"logger\":";
  append_json_string(line, record.logger.empty() ? std::string_view("hubd") : record.logger);
  line += ",\"component\":";
  append_json_string(line, log_component(record.message));
  line += ",\"message\":";
  append_json_string(line, record.message);
  line += "}\n";
  return line;
}

}  // namespace edgehub::hub

#include "api/record_text.h"

#include <charconv>

#include "api/json_views.h"
#include "api/spliceable_json.h"
#include "api/text_encoding.h"

namespace edgehub::hub {

namespace {

// Printable ASCII without '"' and '\\' needs no escaping (device ids and
// topics nearly always): copied as is.
bool is_plain_ascii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

// Valid UTF-8 escaped as nlohmann's serializer does (ensure_ascii off):
// '"', '\\' and control characters; everything else copied.
void append_escaped_utf8(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (byte < 0x20) {
          out += "\\u00";
          out += kHex[byte >> 4];
          out += kHex[byte & 0x0F];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// A stored JSON payload as it is, but for CR/LF (whitespace between tokens
// in a valid JSON text) turned into spaces: a record stays one line.
void append_spliced_json(std::string& out, std::string_view json) {
  const std::size_t start = out.size();
  out += json;
  for (std::size_t i = start; i < out.size(); ++i) {
    if (out[i] == '\r' || out[i] == '\n') out[i] = ' ';
  }
}

// ,"payload":<the JSON text>: copied when the quick check says it can be,
// else as the full parser reads it (deep nesting, escaped surrogates, a BOM,
// ...). false (nothing appended) when the payload is not JSON or nested too
// deep to parse safely (shown as raw text then).
bool append_json_payload(std::string& out, std::string_view payload) {
  if (is_spliceable_json(payload)) {
    out += ",\"payload\":";
    append_spliced_json(out, payload);
    return true;
  }
  const Json parsed = parse_stored_json(payload);
  if (parsed.is_discarded()) return false;
  out += ",\"payload\":";
  out += parsed.dump(-1, ' ', false, Json::error_handler_t::replace);
  return true;
}

// Raw bytes: ,"payload_text":"..." when UTF-8, else ,"payload_base64":"...".
void append_raw_payload(std::string& out, std::string_view payload) {
  if (is_valid_utf8(payload)) {
    out += ",\"payload_text\":";
    append_escaped_utf8(out, payload);
  } else {
    out += ",\"payload_base64\":\"";
    out += base64_encode(payload);
    out += '"';
  }
}

}  // namespace

void append_json_string_text(std::string& out, std::string_view text) {
  if (is_plain_ascii(text)) {
    out += '"';
    out += text;
    out += '"';
  } else if (is_valid_utf8(text)) {
    append_escaped_utf8(out, text);
  } else {
    out += Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
}

std::string json_string_text(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  append_json_string_text(quoted, text);
  return quoted;
}

void append_record_text(std::string& out, const StreamRecord& record) {
  out += "{\"offset\":";
  append_integer(out, record.offset);
  out += ",\"received_at_ms\":";
  append_integer(out, record.received_at_ms);
  out += ",\"device\":";
  append_json_string_text(out, record.device_id);
  out += ",\"seq\":";
  if (record.seq) {
    append_integer(out, *record.seq);
  } else {
    out += "null";
  }
  out += ",\"topic\":";
  append_json_string_text(out, record.topic);
  // Dead letters are raw bytes even when they happen to parse as JSON ("5").
  if (record.reason || !append_json_payload(out, record.payload)) {
    append_raw_payload(out, record.payload);
  }
  if (record.reason) {
    out += ",\"reason\":";
    append_json_string_text(out, *record.reason);
  }
  out += '}';
}

std::string record_text(const StreamRecord& record) {
  std::string text;
  text.reserve(96 + record.device_id.size() + record.topic.size() + record.payload.size());
  append_record_text(text, record);
  return text;
}

}  // namespace edgehub::hub

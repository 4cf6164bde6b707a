#include "api/record_text.h"

#include "api/json_views.h"
#include "api/text_encoding.h"

namespace edgehub::hub {

namespace {

// Printable ASCII without '"' and '\\' needs no escaping (device ids and
// topics nearly always): copied as is, without building a JSON value.
bool is_plain_ascii(std::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

std::string json_string_text(std::string_view text) {
  if (is_plain_ascii(text)) {
    std::string quoted;
    quoted.reserve(text.size() + 2);
    quoted += '"';
    quoted += text;
    quoted += '"';
    return quoted;
  }
  return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string record_text(const StreamRecord& record) {
  std::string text;
  text.reserve(96 + record.device_id.size() + record.topic.size() + record.payload.size());
  text += "{\"offset\":";
  text += std::to_string(record.offset);
  text += ",\"received_at_ms\":";
  text += std::to_string(record.received_at_ms);
  text += ",\"device\":";
  text += json_string_text(record.device_id);
  text += ",\"seq\":";
  text += record.seq ? std::to_string(*record.seq) : "null";
  text += ",\"topic\":";
  text += json_string_text(record.topic);
  // Dead letters are raw bytes even when they happen to parse as JSON ("5").
  if (!record.reason && Json::accept(record.payload)) {
    text += ",\"payload\":";
    text += record.payload;
  } else if (is_valid_utf8(record.payload)) {
    text += ",\"payload_text\":";
    text += json_string_text(record.payload);
  } else {
    text += ",\"payload_base64\":\"";
    text += base64_encode(record.payload);
    text += '"';
  }
  if (record.reason) {
    text += ",\"reason\":";
    text += json_string_text(*record.reason);
  }
  text += '}';
  return text;
}

}  // namespace edgehub::hub

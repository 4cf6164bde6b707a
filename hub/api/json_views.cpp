#include "api/json_views.h"

#include "api/text_encoding.h"
#include "edgehub/protocol/json_limits.h"

namespace edgehub::hub {

ApiResponse json_response(int status, const Json& body) {
  return ApiResponse{status, body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

Error invalid_request(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

Json parse_stored_json(std::string_view text) {
  if (!protocol::check_json_depth(text, protocol::kReadBackMaxJsonDepth))
    return Json::value_t::discarded;
  return Json::parse(text, nullptr, /*allow_exceptions=*/false);
}

Json parsed_or_null(const std::string& text) {
  Json value = parse_stored_json(text);
  return value.is_discarded() ? Json(nullptr) : value;
}

Json device_json(const DeviceRecord& device) {
  Json attributes = parsed_or_null(device.attributes_json);
  if (!attributes.is_object()) attributes = Json::object();
  return Json{{"id", device.id},
              {"role", to_string(device.role)},
              {"status", to_string(device.status)},
              {"certificate_sha256", device.certificate_sha256},
              {"created_at_ms", device.created_at_ms},
              {"attributes", std::move(attributes)}};
}

Json record_json(const StreamRecord& record) {
  Json json = {{"offset", record.offset},
               {"received_at_ms", record.received_at_ms},
               {"device", record.device_id},
               {"seq", record.seq ? Json(*record.seq) : Json(nullptr)},
               {"topic", record.topic}};
  // Dead letters are raw bytes even when they happen to parse as JSON ("5").
  bool shown = false;
  if (!record.reason) {
    Json payload = parse_stored_json(record.payload);
    if (!payload.is_discarded()) {
      json["payload"] = std::move(payload);
      shown = true;
    }
  }
  if (!shown) {
    if (is_valid_utf8(record.payload)) {
      json["payload_text"] = record.payload;
    } else {
      json["payload_base64"] = base64_encode(record.payload);
    }
  }
  if (record.reason) json["reason"] = *record.reason;
  return json;
}

Json stream_info_json(const StreamInfo& info) {
  return Json{{"name", info.name},
              {"first_offset", info.first_offset},
              {"next_offset", info.next_offset},
              {"record_count", info.record_count}};
}

Result<Json> parse_json_object_body(std::string_view body) {
  if (body.empty()) {
    return make_error(ErrorCode::invalid_argument, "request body is empty; expected a JSON object");
  }
  // Before parsing: a body nested too deep would overflow the stack of
  // whatever dumps or copies it later; a huge object would take ordered_json
  // quadratic time.
  if (Status checked = protocol::check_untrusted_json(body); !checked) {
    return make_error(ErrorCode::invalid_argument, "request body: " + checked.error().message);
  }
  Json value;
  try {
    value = Json::parse(body);
  } catch (const Json::exception& error) {  // parse_error, and out_of_range for 1e999999
    return make_error(ErrorCode::invalid_argument,
                      std::string("request body is not valid JSON: ") + error.what());
  }
  if (!value.is_object()) {
    return make_error(ErrorCode::invalid_argument, "request body must be a JSON object");
  }
  return value;
}

}  // namespace edgehub::hub

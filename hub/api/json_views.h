// JSON shapes of docs/protocol.md (device, stream record, stream info).
// Internal to hub/api: the only header of the hub that names a JSON type.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "api/api_response.h"
#include "edgehub/common/result.h"
#include "registry/device_registry.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

// ordered_json keeps field order as documented, and stored payloads as sent.
using Json = nlohmann::ordered_json;

// An answer with a JSON body. Invalid UTF-8 (a device id in a URL, say) is
// replaced, never thrown.
ApiResponse json_response(int status, const Json& body);

// invalid_argument with the message (a 400 naming what is wrong).
Error invalid_request(std::string message);

// {"id", "role", "status", "certificate_sha256", "created_at_ms", "attributes"}
Json device_json(const DeviceRecord& device);

// {"offset", "received_at_ms", "device", "seq", "topic", ...}: a payload
// holding JSON (telemetry) as "payload"; raw bytes (dead letters, anything not
// JSON) as "payload_text" when valid UTF-8, else "payload_base64"; plus
// "reason" when the record has one.
Json record_json(const StreamRecord& record);

// {"name", "first_offset", "next_offset", "record_count"}
Json stream_info_json(const StreamInfo& info);

// JSON the hub stored (records, twins, commands, attributes) parsed for an
// answer; discarded when it is not JSON or nested deeper than
// protocol::kReadBackMaxJsonDepth (nlohmann's dump recurses per level).
Json parse_stored_json(std::string_view text);

// parse_stored_json, with null for what is not JSON.
Json parsed_or_null(const std::string& text);

// A request body that must be a JSON object: invalid_argument otherwise
// (nested deeper than protocol::max_json_depth(): "request body: JSON nested
// deeper than 32 levels", checked before parsing), with a message saying
// what is wrong.
Result<Json> parse_json_object_body(std::string_view body);

}  // namespace edgehub::hub

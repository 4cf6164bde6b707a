// Human-readable output of hubctl: pure functions from the API's JSON to
// text. They never throw on a missing or odd field: it shows as "-".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace edgehub::hubctl {

// "2024-11-26T14:27:14.012Z" (UTC, milliseconds).
std::string iso8601_utc(std::int64_t milliseconds_since_epoch);

// A field of an API answer as text: strings as they are, anything else as
// compact JSON; "-" when missing or null.
std::string field_text(const nlohmann::json& object, const char* name);
// An integer field of Unix milliseconds as iso8601_utc; "-" otherwise.
std::string field_time(const nlohmann::json& object, const char* name);

// Columns padded to their widest cell, two spaces apart, no trailing blanks.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

// GET /api/v1/devices answer: ID ROLE STATUS CONNECTION LAST SEEN CREATED
// FINGERPRINT (prefix).
std::string format_devices(const nlohmann::json& answer);

// GET /api/v1/streams answer: STREAM FIRST NEXT RECORDS.
std::string format_streams(const nlohmann::json& answer);

// One stream record on one line: offset, time, device, seq=, payload; a
// deadletter record shows reason= and its raw payload (text quoted, or
// base64:...). Control characters are escaped so a record stays one line.
std::string format_record(const nlohmann::json& record);

// POST .../commands answer: "boiler-1 answered ping with status 200 in 3 ms"
// and the device's payload below, indented.
std::string format_command_answer(const nlohmann::json& answer);

}  // namespace edgehub::hubctl

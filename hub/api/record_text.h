// Stream records as JSON text, built without re-parsing stored JSON
// payloads: a telemetry payload (validated, not parsed) is spliced in as
// stored. The shapes are those of json_views.h record_json(), which stays the
// reference (tests compare the two).
//
// A record's text never holds a raw line break: inside a valid JSON text a
// CR or LF can only be whitespace between tokens, so a spliced payload has
// them replaced by spaces (same JSON value). One record is therefore always
// one line (NDJSON, Server-Sent Events).
#pragma once

#include <string>
#include <string_view>

#include "streams/stream_store.h"

namespace edgehub::hub {

// One record, docs/protocol.md section 5.
std::string record_text(const StreamRecord& record);
// The same text appended to `out` (no allocation per record when `out` has
// room).
void append_record_text(std::string& out, const StreamRecord& record);

// A JSON string literal (quotes included), invalid UTF-8 replaced.
std::string json_string_text(std::string_view text);
void append_json_string_text(std::string& out, std::string_view text);

}  // namespace edgehub::hub

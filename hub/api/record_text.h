// Stream records as JSON text, built without re-parsing stored JSON
// payloads: a telemetry payload (validated, not parsed) is spliced in as
// stored. The shapes are those of json_views.h record_json(), which stays the
// reference (tests compare the two).
#pragma once

#include <string>

#include "streams/stream_store.h"

namespace edgehub::hub {

// One record, docs/protocol.md section 5.
std::string record_text(const StreamRecord& record);

// A JSON string literal (quotes included), invalid UTF-8 replaced.
std::string json_string_text(std::string_view text);

}  // namespace edgehub::hub

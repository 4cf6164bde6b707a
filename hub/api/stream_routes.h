// HTTP routes of the stream and consumer endpoints, including the
// Server-Sent Events tail. Internal to hub/api (names httplib types): only
// rest_server.cpp includes it.
#pragma once

#include <httplib.h>

#include <atomic>

#include "api/api_router.h"
#include "api/stream_handlers.h"

namespace edgehub::hub {

// stopping: set when the server stops, so that event streams end.
void route_streams(ApiRouter& router, StreamHandlers& streams, const std::atomic<bool>& stopping);

// One SSE event: "id: <offset>\nevent: record\ndata: <json>\n\n" (a JSON
// text never holds a raw newline inside a string; any between tokens starts
// another data: line, which the client joins back).
std::string server_sent_event(std::uint64_t offset, std::string_view record_json);

}  // namespace edgehub::hub

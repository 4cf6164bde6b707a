// The command endpoints of the REST API (docs/protocol.md section 6), as
// functions from request parts to ApiResponse:
//   POST /api/v1/devices/{id}/commands      send (synchronous or --queue)
//   GET  /api/v1/commands?device=&state=&job=&limit=
//   GET  /api/v1/commands/{id}
//   POST /api/v1/commands/{id}/cancel
// and the connection fields of a device (presence).
#pragma once

#include <optional>
#include <string_view>

#include "api/api_response.h"
#include "api/json_views.h"
#include "commands/command_dispatcher.h"
#include "commands/fleet_jobs.h"
#include "presence/device_presence.h"

namespace edgehub::hub::command_api {

Json command_json(const CommandRecord& command);

ApiResponse send(CommandDispatcher& commands, std::string_view device_id, std::string_view body);
ApiResponse list(const CommandDispatcher& commands, std::optional<std::string_view> device,
                 std::optional<std::string_view> state, std::optional<std::string_view> job,
                 std::optional<std::string_view> limit);
ApiResponse show(const CommandDispatcher& commands, std::string_view command_id);
ApiResponse cancel(CommandDispatcher& commands, std::string_view command_id);
// POST /api/v1/jobs {"id"?, "selector": {"id_pattern"|"tag"}, "name", "payload",
// "timeout_ms", "ttl_ms"} -> 201 job progress; GET /api/v1/jobs/{id}.
ApiResponse create_job(FleetJobs& jobs, std::string_view body);
ApiResponse job_progress(const FleetJobs& jobs, std::string_view job_id);

// Adds "connection": "connected"|"disconnected"|"never" and "last_seen_ms"
// (null if never connected) to a device's JSON; nothing without a tracker.
void add_connection_fields(Json& device, const DevicePresence* presence);

}  // namespace edgehub::hub::command_api

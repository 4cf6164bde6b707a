// HTTP routes of the command endpoints (command_handlers.h). Internal to
// hub/api (names httplib types): only rest_server.cpp includes it.
#pragma once

#include <httplib.h>

#include "api/api_router.h"
#include "commands/command_dispatcher.h"
#include "registry/device_registry.h"

namespace edgehub::hub {

// Also POST /api/v1/jobs and GET /api/v1/jobs/{id} (fleet commands).
void route_commands(ApiRouter& router, CommandDispatcher& commands, const DeviceRegistry& registry);

}  // namespace edgehub::hub

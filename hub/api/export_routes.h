// HTTP routes of the export endpoints (export_handlers.h). Internal to
// hub/api (names httplib types): only rest_server.cpp includes it.
#pragma once

#include <functional>

#include "api/api_router.h"
#include "api/export_handlers.h"

namespace edgehub::hub {

// exports() is null until hubd sets them: 503.
void route_exports(ApiRouter& router, std::function<ExportHandlers*()> exports);

}  // namespace edgehub::hub

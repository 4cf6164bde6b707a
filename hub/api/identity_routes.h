// HTTP routes of the device identity endpoints (identity_handlers.h).
// Internal to hub/api (names httplib types): only rest_server.cpp includes it.
#pragma once

#include <httplib.h>

#include <functional>

#include "api/api_router.h"
#include "api/identity_handlers.h"

namespace edgehub::hub {

// identities() is asked at request time: nullptr answers 503.
void route_identities(ApiRouter& router, std::function<IdentityHandlers*()> identities);

}  // namespace edgehub::hub

// HTTP routes of the twin endpoints (docs/protocol.md section 4.4):
//   GET   /api/v1/devices/{id}/twin
//   PATCH /api/v1/devices/{id}/twin  {"desired": {...merge patch...}, "version": N (optional)}
//         (or header If-Match: N); stale version -> 409.
// Internal to hub/api (names httplib types): only rest_server.cpp includes it.
#pragma once

#include <httplib.h>

#include <functional>

#include "api/api_router.h"
#include "twins/twin_service.h"

namespace edgehub::hub {

// twins() is asked at request time: nullptr answers 503.
void route_twins(ApiRouter& router, std::function<TwinService*()> twins);

}  // namespace edgehub::hub

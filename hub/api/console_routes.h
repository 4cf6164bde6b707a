// HTTP routes of the web console's static files (hub/console): GET "/" and
// "/console" redirect to "/console/", files under "/console/" are served
// with the console's headers (CSP, nosniff, Cache-Control, ETag/304). They
// are not API routes: no token, no role, no audit, so they are registered
// on the server directly instead of through ApiRouter and route_roles.cpp;
// the admission lets them through by is_open_request (http_admission.h).
// Internal to hub/api (names httplib types): only rest_server.cpp includes it.
#pragma once

#include <httplib.h>

namespace edgehub::hub {

void route_console(httplib::Server& server);

}  // namespace edgehub::hub

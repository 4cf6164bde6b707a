// HTTP routes of the operator endpoints (operator_handlers.h). Internal to
// hub/api (names httplib types): only rest_server.cpp includes it.
#pragma once

#include <functional>

#include "api/api_router.h"
#include "api/operator_handlers.h"

namespace edgehub::hub {

// operators() is null until hubd sets them: 503.
void route_operators(ApiRouter& router, std::function<OperatorHandlers*()> operators);

}  // namespace edgehub::hub

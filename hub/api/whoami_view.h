// GET /api/v1/whoami: who holds the request's token. The console asks it
// after sign-in, to greet the operator and to show no button the role
// cannot use (a wrong token gets the usual 401 there).
#pragma once

#include "api/api_response.h"
#include "operators/operator_store.h"

namespace edgehub::hub {

// 200 {"name": "...", "role": "viewer"|"operator"|"admin"}.
ApiResponse whoami_response(const OperatorIdentity& caller);

}  // namespace edgehub::hub

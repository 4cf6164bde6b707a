// What a REST handler produces: an HTTP status and a JSON body. Kept free of
// any HTTP library type so that handlers are tested without a socket.
#pragma once

#include <string>

#include "edgehub/common/result.h"

namespace edgehub::hub {

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON text; empty for 204
};

// THE error table of docs/protocol.md section 6.
int http_status_for(ErrorCode code) noexcept;

// {"error": {"code": "<code>", "message": "<message>"}} with the table's status.
ApiResponse error_response(const Error& error);
// 401 with code "unauthorized" (not an ErrorCode: only the REST layer knows tokens).
ApiResponse unauthorized_response();

}  // namespace edgehub::hub

#include "api/api_response.h"

#include <nlohmann/json.hpp>

namespace edgehub::hub {
namespace {

ApiResponse error_body(int status, const char* code, const std::string& message) {
  nlohmann::ordered_json body = {{"error", {{"code", code}, {"message", message}}}};
  return ApiResponse{status,
                     body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)};
}

}  // namespace

int http_status_for(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_argument:
      return 400;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::too_large:
      return 413;
    case ErrorCode::internal:
      return 500;
    case ErrorCode::unavailable:
      return 503;
    case ErrorCode::timeout:
      return 504;
  }
  return 500;
}

ApiResponse error_response(const Error& error) {
  return error_body(http_status_for(error.code), to_string(error.code), error.message);
}

ApiResponse unauthorized_response() {
  return error_body(401, "unauthorized",
                    "missing or wrong bearer token (Authorization: Bearer <data-dir>/api-token)");
}

}  // namespace edgehub::hub

// The operator endpoints (docs/protocol.md 6.1), admin only (route_roles.cpp):
//   GET    /api/v1/operators          -> {"operators": [{"name", "role", "created_at_ms",
//                                          "revoked_at_ms"?}]}
//   POST   /api/v1/operators {"name", "role"} -> 201 {..., "token"} (the only time it is shown)
//   DELETE /api/v1/operators/{name}   -> 204; the token is refused from the next request on
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "api/api_response.h"
#include "operators/operator_store.h"

namespace edgehub::hub {

class OperatorHandlers {
 public:
  OperatorHandlers(OperatorStore& store, std::function<std::int64_t()> now_ms);

  ApiResponse list() const;
  ApiResponse add(std::string_view body);
  ApiResponse revoke(std::string_view name);

 private:
  OperatorStore& store_;
  std::function<std::int64_t()> now_ms_;
};

}  // namespace edgehub::hub

#include "api/whoami_view.h"

#include <nlohmann/json.hpp>
#include <string>

namespace edgehub::hub {

ApiResponse whoami_response(const OperatorIdentity& caller) {
  const nlohmann::ordered_json body = {{"name", caller.name},
                                       {"role", std::string(role_name(caller.role))}};
  return ApiResponse{200,
                     body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)};
}

}  // namespace edgehub::hub

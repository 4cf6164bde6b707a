// Error messages shared by the DeviceRegistry implementations.
#pragma once

#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hub {

inline Error device_not_found(std::string_view id) {
  return make_error(ErrorCode::not_found, "device '" + std::string(id) + "' is not registered");
}

inline Error device_already_registered(std::string_view id) {
  return make_error(ErrorCode::conflict, "device '" + std::string(id) + "' is already registered");
}

}  // namespace edgehub::hub

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

inline Error certificate_not_found(std::string_view id, std::string_view sha256) {
  return make_error(
      ErrorCode::not_found,
      "device '" + std::string(id) + "' has no certificate with sha256 " + std::string(sha256));
}

inline Error certificate_already_accepted(std::string_view id, std::string_view sha256) {
  return make_error(ErrorCode::conflict, "device '" + std::string(id) +
                                             "' has the certificate with sha256 " +
                                             std::string(sha256) + " already");
}

inline Error certificate_already_ended(std::string_view id, std::string_view sha256) {
  return make_error(ErrorCode::conflict, "the certificate of device '" + std::string(id) +
                                             "' with sha256 " + std::string(sha256) +
                                             " is ended already");
}

inline Error last_certificate(std::string_view id) {
  return make_error(ErrorCode::conflict,
                    "it is the last certificate of device '" + std::string(id) +
                        "' still accepted: add its successor first, or disable or remove the "
                        "device");
}

}  // namespace edgehub::hub

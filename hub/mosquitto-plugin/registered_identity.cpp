#include "mosquitto-plugin/registered_identity.h"

#include <string>

namespace edgehub::hub::mosquitto_auth {

Result<RegisteredIdentity> registered_identity_from_columns(std::string_view device_id,
                                                            std::string_view role,
                                                            std::string_view status,
                                                            std::string_view certificate_sha256) {
  RegisteredIdentity identity;
  identity.certificate_sha256 = std::string(certificate_sha256);
  if (role == "device") {
    identity.role = DeviceRole::device;
  } else if (role == "service") {
    identity.role = DeviceRole::service;
  } else {
    return make_error(ErrorCode::internal, "registry holds unknown role '" + std::string(role) +
                                               "' for '" + std::string(device_id) + "'");
  }
  if (status == "enabled") {
    identity.status = DeviceStatus::enabled;
  } else if (status == "disabled") {
    identity.status = DeviceStatus::disabled;
  } else {
    return make_error(ErrorCode::internal, "registry holds unknown status '" + std::string(status) +
                                               "' for '" + std::string(device_id) + "'");
  }
  return identity;
}

}  // namespace edgehub::hub::mosquitto_auth

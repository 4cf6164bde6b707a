// What registry.db says about one identity, as the plugin needs it at CONNECT.
#pragma once

#include <string>
#include <string_view>

#include "edgehub/common/result.h"
#include "registry/device_registry.h"

namespace edgehub::hub::mosquitto_auth {

struct RegisteredIdentity {
  DeviceRole role = DeviceRole::device;
  DeviceStatus status = DeviceStatus::enabled;
  // Lower-case hex SHA-256 of the DER certificate the identity must present.
  std::string certificate_sha256;
};

// Builds the identity from the text columns of registry_schema::kLookupDevice;
// internal error naming the column if role or status holds an unknown value.
Result<RegisteredIdentity> registered_identity_from_columns(std::string_view device_id,
                                                            std::string_view role,
                                                            std::string_view status,
                                                            std::string_view certificate_sha256);

}  // namespace edgehub::hub::mosquitto_auth

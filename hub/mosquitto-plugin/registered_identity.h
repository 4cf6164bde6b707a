// What registry.db says about one identity, as the plugin needs it at CONNECT.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"
#include "registry/device_registry.h"

namespace edgehub::hub::mosquitto_auth {

// A certificate the identity may present (registry_schema::kLookupCertificates).
struct AcceptedCertificate {
  std::string certificate_sha256;  // lower-case hex SHA-256 of the DER form
  std::int64_t ended_at_ms = 0;    // when the operator ended it; 0: still accepted
};

struct RegisteredIdentity {
  DeviceRole role = DeviceRole::device;
  DeviceStatus status = DeviceStatus::enabled;
  // The newest certificate (devices.cert_sha256).
  std::string certificate_sha256;
  // Every certificate of the identity (rotation: more than one). Empty: only
  // certificate_sha256 is accepted.
  std::vector<AcceptedCertificate> certificates;
};

// Builds the identity from the text columns of registry_schema::kLookupDevice;
// internal error naming the column if role or status holds an unknown value.
Result<RegisteredIdentity> registered_identity_from_columns(std::string_view device_id,
                                                            std::string_view role,
                                                            std::string_view status,
                                                            std::string_view certificate_sha256);

}  // namespace edgehub::hub::mosquitto_auth

// Device identities over REST (docs/protocol.md section 1.3): disabling and
// enabling a device, its certificates (rotation) and the CAs the operator
// trusts. Pure handlers (body text in, ApiResponse out); identity_routes.h
// maps them to HTTP.
//   POST   /api/v1/devices/{id}/disable | /enable
//   GET    /api/v1/devices/{id}/certificates
//   POST   /api/v1/devices/{id}/certificates            {"csr_pem"} | {"certificate_pem"} | {}
//   POST   /api/v1/devices/{id}/certificates/{sha256}/end
//   GET    /api/v1/cas
//   POST   /api/v1/cas                                  {"certificate_pem"}
//   DELETE /api/v1/cas/{sha256}
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "api/api_response.h"
#include "api/device_enrollment.h"
#include "edgehub/common/result.h"
#include "pki/trusted_authorities.h"
#include "registry/device_registry.h"

namespace edgehub::hub {

class IdentityHandlers {
 public:
  // All must outlive the handlers. now_ms: wall clock (expired certificates
  // are shown as such).
  IdentityHandlers(DeviceRegistry& registry, DeviceEnrollment& enrollment,
                   TrustedAuthorities& authorities, std::function<std::int64_t()> now_ms);

  ApiResponse set_enabled(std::string_view id, bool enabled);
  ApiResponse list_certificates(std::string_view id) const;
  ApiResponse add_certificate(std::string_view id, std::string_view body);
  ApiResponse end_certificate(std::string_view id, std::string_view certificate_sha256);

  ApiResponse list_authorities() const;
  ApiResponse add_authority(std::string_view body);
  ApiResponse remove_authority(std::string_view certificate_sha256);

 private:
  DeviceRegistry& registry_;
  DeviceEnrollment& enrollment_;
  TrustedAuthorities& authorities_;
  std::function<std::int64_t()> now_ms_;
};

}  // namespace edgehub::hub

// Registering a device: issue its certificate (CN = id) and record the
// certificate's fingerprint in the registry.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"
#include "pki/certificate_authority.h"
#include "registry/device_registry.h"

namespace edgehub::hub {

// The hub's own MQTT identity (role service); no device may take the id.
inline constexpr std::string_view kHubServiceId = "hubd";

// Issues a TLS client certificate and key for a common name (in hubd:
// CertificateAuthority::issue_client). May throw std::exception.
using ClientCertificateIssuer = std::function<IssuedCertificate(std::string_view common_name)>;

struct Enrollment {
  DeviceRecord device;
  IssuedCertificate credentials;  // returned once to the operator, not kept
};

class DeviceEnrollment {
 public:
  // registry must outlive the enrollment.
  DeviceEnrollment(DeviceRegistry& registry, ClientCertificateIssuer issue_certificate,
                   std::string ca_certificate_pem);

  // invalid_argument: bad id or attributes not a JSON object text;
  // conflict: the id is registered already or reserved ("hubd");
  // internal: the certificate could not be issued.
  Result<Enrollment> enroll(std::string_view device_id, std::string_view attributes_json);

  const std::string& ca_certificate_pem() const { return ca_certificate_pem_; }

 private:
  DeviceRegistry& registry_;
  ClientCertificateIssuer issue_certificate_;
  std::string ca_certificate_pem_;
};

}  // namespace edgehub::hub

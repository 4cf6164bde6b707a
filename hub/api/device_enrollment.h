// Registering a device and its certificates: a key and certificate the hub
// makes, a certificate the hub signs for the device's own key (CSR), or the
// device's own certificate from a CA the operator trusts; then more
// certificates for the same device (rotation) and ending old ones.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"
#include "pki/certificate_authority.h"
#include "pki/trusted_authorities.h"
#include "registry/device_registry.h"

namespace edgehub::hub {

// The hub's own MQTT identity (role service); no device may take the id.
inline constexpr std::string_view kHubServiceId = "hubd";

// Issues a TLS client certificate and key for a common name (in hubd:
// CertificateAuthority::issue_client). May throw std::exception.
using ClientCertificateIssuer = std::function<IssuedCertificate(std::string_view common_name)>;
// Signs a certificate signing request for a common name (in hubd:
// CertificateAuthority::sign_client_request). Throws std::invalid_argument
// for a request that is refused.
using CertificateRequestSigner = std::function<IssuedCertificate(
    std::string_view common_name, std::string_view certificate_request_pem)>;
// Checks a device's own certificate for a common name (in hubd:
// TrustedAuthorities::check_device_certificate). Throws
// std::invalid_argument for a certificate that is refused.
using DeviceCertificateChecker = std::function<DeviceCertificateFacts(
    std::string_view certificate_pem, std::string_view common_name)>;

struct EnrollmentAuthority {
  ClientCertificateIssuer issue;
  CertificateRequestSigner sign_request;
  DeviceCertificateChecker check_certificate;
  std::string ca_certificate_pem;     // the hub's CA
  std::string ca_certificate_sha256;  // recorded as the issuer of what the hub signs
};

// What a device presents from now on.
enum class CertificateSource {
  hub_key,              // the hub makes the key and certificate (the key is returned once)
  certificate_request,  // the hub signs the device's CSR (the key never leaves the device)
  own_certificate,      // the device's certificate from a trusted CA, registered as it is
};

struct Enrollment {
  DeviceRecord device;
  IssuedCertificate credentials;  // returned once to the operator, not kept
};

class DeviceEnrollment {
 public:
  // registry must outlive the enrollment.
  DeviceEnrollment(DeviceRegistry& registry, EnrollmentAuthority authority);
  // Only hub-made keys (CSRs and own certificates are refused as internal).
  DeviceEnrollment(DeviceRegistry& registry, ClientCertificateIssuer issue_certificate,
                   std::string ca_certificate_pem);

  // invalid_argument: bad id or attributes not a JSON object text;
  // conflict: the id is registered already or reserved ("hubd");
  // internal: the certificate could not be issued.
  Result<Enrollment> enroll(std::string_view device_id, std::string_view attributes_json);
  // As enroll, with the device's CSR (source certificate_request) or its
  // own certificate PEM (own_certificate) as pem; invalid_argument also for
  // a CSR or certificate that is refused, with the reason.
  Result<Enrollment> enroll(std::string_view device_id, std::string_view attributes_json,
                            CertificateSource source, std::string_view pem);

  // One more certificate for a registered device (rotation): both are
  // accepted until the old one is ended (end_certificate) or expires.
  // private_key_pem is empty unless source is hub_key.
  Result<IssuedCertificate> add_certificate(std::string_view device_id, CertificateSource source,
                                            std::string_view pem);

  const std::string& ca_certificate_pem() const { return authority_.ca_certificate_pem; }

 private:
  Result<DeviceCertificate> certificate_for(std::string_view id, CertificateSource source,
                                            std::string_view pem, IssuedCertificate& issued);

  DeviceRegistry& registry_;
  EnrollmentAuthority authority_;
};

}  // namespace edgehub::hub

#include "api/device_enrollment.h"

#include <exception>
#include <stdexcept>

#include "edgehub/protocol/topics.h"

namespace edgehub::hub {
namespace {

Status check_new_id(const std::string& id) {
  if (!protocol::is_valid_device_id(id)) {
    return make_error(ErrorCode::invalid_argument,
                      "'" + id +
                          "' is not a valid device id (1-64 characters of "
                          "[A-Za-z0-9._-], not starting with '.' or '-')");
  }
  if (id == kHubServiceId) {
    return make_error(ErrorCode::conflict,
                      "'" + id + "' is reserved for the hub's service identity");
  }
  return ok_status();
}

}  // namespace

DeviceEnrollment::DeviceEnrollment(DeviceRegistry& registry, EnrollmentAuthority authority)
    : registry_(registry), authority_(std::move(authority)) {}

DeviceEnrollment::DeviceEnrollment(DeviceRegistry& registry,
                                   ClientCertificateIssuer issue_certificate,
                                   std::string ca_certificate_pem)
    : DeviceEnrollment(
          registry, EnrollmentAuthority{
                        std::move(issue_certificate), {}, {}, std::move(ca_certificate_pem), {}}) {}

Result<DeviceCertificate> DeviceEnrollment::certificate_for(std::string_view id,
                                                            CertificateSource source,
                                                            std::string_view pem,
                                                            IssuedCertificate& issued) {
  const std::string name(id);
  try {
    switch (source) {
      case CertificateSource::hub_key:
        issued = authority_.issue(name);
        break;
      case CertificateSource::certificate_request:
        if (!authority_.sign_request) throw std::runtime_error("CSR enrolment is not available");
        issued = authority_.sign_request(name, pem);
        break;
      case CertificateSource::own_certificate: {
        if (!authority_.check_certificate) {
          throw std::runtime_error("registering own certificates is not available");
        }
        const DeviceCertificateFacts facts = authority_.check_certificate(pem, name);
        issued = IssuedCertificate{std::string(pem), "", facts.certificate_sha256,
                                   facts.not_before_ms, facts.not_after_ms};
        return DeviceCertificate{facts.certificate_sha256,
                                 facts.not_before_ms,
                                 facts.not_after_ms,
                                 facts.issuer_sha256,
                                 0,
                                 0};
      }
    }
  } catch (const std::invalid_argument& refused) {
    return make_error(ErrorCode::invalid_argument,
                      "certificate for '" + name + "' refused: " + refused.what());
  } catch (const std::exception& error) {
    return make_error(ErrorCode::internal,
                      "cannot issue a certificate for '" + name + "': " + error.what());
  }
  return DeviceCertificate{issued.certificate_sha256,
                           issued.not_before_ms,
                           issued.not_after_ms,
                           authority_.ca_certificate_sha256,
                           0,
                           0};
}

Result<Enrollment> DeviceEnrollment::enroll(std::string_view device_id,
                                            std::string_view attributes_json) {
  return enroll(device_id, attributes_json, CertificateSource::hub_key, {});
}

Result<Enrollment> DeviceEnrollment::enroll(std::string_view device_id,
                                            std::string_view attributes_json,
                                            CertificateSource source, std::string_view pem) {
  const std::string id(device_id);
  if (Status usable = check_new_id(id); !usable) return usable.error();
  // Checked before issuing, so that a taken id does not cost a key pair.
  if (registry_.find(id)) {
    return make_error(ErrorCode::conflict, "device '" + id + "' is already registered");
  }

  Enrollment enrollment;
  auto certificate = certificate_for(id, source, pem, enrollment.credentials);
  if (!certificate) return certificate.error();
  DeviceRecord record;
  record.id = id;
  record.role = DeviceRole::device;
  record.status = DeviceStatus::enabled;
  record.certificate_sha256 = enrollment.credentials.certificate_sha256;
  record.attributes_json = attributes_json.empty() ? "{}" : std::string(attributes_json);
  record.certificates.push_back(*certificate);
  auto added = registry_.add(record);
  if (!added) return added.error();
  enrollment.device = std::move(*added);
  return enrollment;
}

Result<IssuedCertificate> DeviceEnrollment::add_certificate(std::string_view device_id,
                                                            CertificateSource source,
                                                            std::string_view pem) {
  auto device = registry_.find(device_id);
  if (!device) return device.error();
  if (device->role != DeviceRole::device) {
    return make_error(ErrorCode::conflict,
                      "'" + std::string(device_id) + "' is a service identity: hubd renews it");
  }
  IssuedCertificate issued;
  auto certificate = certificate_for(device_id, source, pem, issued);
  if (!certificate) return certificate.error();
  if (Status added = registry_.add_certificate(device_id, *certificate); !added) {
    return added.error();
  }
  return issued;
}

}  // namespace edgehub::hub

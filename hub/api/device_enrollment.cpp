#include "api/device_enrollment.h"

#include <exception>

#include "edgehub/protocol/topics.h"

namespace edgehub::hub {

DeviceEnrollment::DeviceEnrollment(DeviceRegistry& registry,
                                   ClientCertificateIssuer issue_certificate,
                                   std::string ca_certificate_pem)
    : registry_(registry),
      issue_certificate_(std::move(issue_certificate)),
      ca_certificate_pem_(std::move(ca_certificate_pem)) {}

Result<Enrollment> DeviceEnrollment::enroll(std::string_view device_id,
                                            std::string_view attributes_json) {
  const std::string id(device_id);
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
  // Checked before issuing, so that a taken id does not cost a key pair.
  if (registry_.find(id)) {
    return make_error(ErrorCode::conflict, "device '" + id + "' is already registered");
  }

  Enrollment enrollment;
  try {
    enrollment.credentials = issue_certificate_(id);
  } catch (const std::exception& error) {
    return make_error(ErrorCode::internal,
                      "cannot issue a certificate for '" + id + "': " + error.what());
  }
  DeviceRecord record;
  record.id = id;
  record.role = DeviceRole::device;
  record.status = DeviceStatus::enabled;
  record.certificate_sha256 = enrollment.credentials.certificate_sha256;
  record.attributes_json = attributes_json.empty() ? "{}" : std::string(attributes_json);
  auto added = registry_.add(record);
  if (!added) return added.error();
  enrollment.device = std::move(*added);
  return enrollment;
}

}  // namespace edgehub::hub

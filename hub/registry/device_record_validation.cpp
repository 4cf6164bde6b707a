#include "registry/device_record_validation.h"

#include <nlohmann/json.hpp>
#include <string>

#include "edgehub/protocol/json_limits.h"
#include "edgehub/protocol/topics.h"
#include "registry/device_record_strings.h"

namespace edgehub::hub {
namespace {

constexpr std::size_t kSha256HexLength = 64;

bool is_lower_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

Status invalid(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

}  // namespace

Status validate_certificate_sha256(std::string_view certificate_sha256) {
  bool well_formed = certificate_sha256.size() == kSha256HexLength;
  for (char c : certificate_sha256) well_formed = well_formed && is_lower_hex_digit(c);
  if (!well_formed) {
    return invalid(
        "certificate_sha256 must be 64 lower-case hex digits (SHA-256 of the DER "
        "certificate), got '" +
        std::string(certificate_sha256) + "'");
  }
  return ok_status();
}

Status validate_device_certificate(const DeviceCertificate& certificate) {
  if (Status checked = validate_certificate_sha256(certificate.certificate_sha256); !checked) {
    return checked;
  }
  if (!certificate.issuer_sha256.empty()) {
    if (Status checked = validate_certificate_sha256(certificate.issuer_sha256); !checked) {
      return invalid("issuer: " + checked.error().message);
    }
  }
  if (certificate.not_after_ms != 0 && certificate.not_after_ms < certificate.not_before_ms) {
    return invalid("certificate validity ends before it begins");
  }
  return ok_status();
}

std::vector<DeviceCertificate> initial_certificates(const DeviceRecord& device,
                                                    std::int64_t now_ms) {
  std::vector<DeviceCertificate> certificates = device.certificates;
  if (certificates.empty()) {
    certificates.push_back(DeviceCertificate{device.certificate_sha256, 0, 0, "", 0, 0});
  }
  for (DeviceCertificate& certificate : certificates) {
    if (certificate.added_at_ms == 0) certificate.added_at_ms = now_ms;
    certificate.ended_at_ms = 0;
  }
  return certificates;
}

Status validate_new_device(const DeviceRecord& device) {
  if (!protocol::is_valid_device_id(device.id)) {
    return invalid("invalid device id '" + device.id +
                   "': expected 1-64 characters of [A-Za-z0-9._-], not starting with '.' or '-'");
  }
  if (!parse_device_role(to_string(device.role))) return invalid("unknown device role");
  if (!parse_device_status(to_string(device.status))) return invalid("unknown device status");
  if (Status checked = validate_certificate_sha256(device.certificate_sha256); !checked) {
    return checked;
  }
  for (const DeviceCertificate& certificate : device.certificates) {
    if (Status checked = validate_device_certificate(certificate); !checked) return checked;
  }
  if (Status shallow = protocol::check_json_depth(device.attributes_json); !shallow) {
    return invalid("attributes of device '" + device.id + "': " + shallow.error().message);
  }
  const auto attributes = nlohmann::json::parse(device.attributes_json, nullptr, false);
  if (attributes.is_discarded() || !attributes.is_object()) {
    return invalid("attributes of device '" + device.id + "' must be a JSON object");
  }
  return ok_status();
}

}  // namespace edgehub::hub

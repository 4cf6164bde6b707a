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

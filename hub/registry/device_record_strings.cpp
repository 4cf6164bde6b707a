#include "registry/device_record_strings.h"

namespace edgehub::hub {

const char* to_string(DeviceRole role) noexcept {
  switch (role) {
    case DeviceRole::device:
      return "device";
    case DeviceRole::service:
      return "service";
  }
  return "unknown";
}

const char* to_string(DeviceStatus status) noexcept {
  switch (status) {
    case DeviceStatus::enabled:
      return "enabled";
    case DeviceStatus::disabled:
      return "disabled";
  }
  return "unknown";
}

std::optional<DeviceRole> parse_device_role(std::string_view text) noexcept {
  for (DeviceRole role : {DeviceRole::device, DeviceRole::service}) {
    if (text == to_string(role)) return role;
  }
  return std::nullopt;
}

std::optional<DeviceStatus> parse_device_status(std::string_view text) noexcept {
  for (DeviceStatus status : {DeviceStatus::enabled, DeviceStatus::disabled}) {
    if (text == to_string(status)) return status;
  }
  return std::nullopt;
}

}  // namespace edgehub::hub

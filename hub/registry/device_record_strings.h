// The text form of DeviceRole / DeviceStatus, as stored in registry.db and
// shown in the REST API ("device" | "service", "enabled" | "disabled").
#pragma once

#include <optional>
#include <string_view>

#include "registry/device_registry.h"

namespace edgehub::hub {

// nullopt for any other text (the inverse of to_string).
std::optional<DeviceRole> parse_device_role(std::string_view text) noexcept;
std::optional<DeviceStatus> parse_device_status(std::string_view text) noexcept;

}  // namespace edgehub::hub

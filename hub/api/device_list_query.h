// GET /api/v1/devices?limit=&after=&state=: the query's parameters checked
// (docs/protocol.md section 6). Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hub {

// A page holds this many devices unless the caller asks for another number;
// at most the maximum, so that no answer holds the whole of a large fleet
// (5,000 devices are about 1.2 MB of JSON).
inline constexpr std::size_t kDefaultDevicesPerPage = 500;
inline constexpr std::size_t kMaxDevicesPerPage = 5000;

// connected: enabled and connected to the broker now; offline: enabled and
// not connected; disabled: disabled (connected or not: the broker refuses
// it). Each device is in exactly one of the three.
enum class DeviceStateFilter { connected, offline, disabled };

struct DeviceListQuery {
  std::size_t limit = kDefaultDevicesPerPage;
  std::string after;  // "": from the first device
  std::optional<DeviceStateFilter> state;
};

// Absent parameters take their defaults; anything else malformed is
// invalid_argument naming the parameter and what it accepts.
Result<DeviceListQuery> parse_device_list_query(std::optional<std::string_view> limit,
                                                std::optional<std::string_view> after,
                                                std::optional<std::string_view> state);

}  // namespace edgehub::hub

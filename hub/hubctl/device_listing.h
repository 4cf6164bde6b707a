// hubctl devices list over the paged GET /api/v1/devices (docs/protocol.md
// section 6): one page when asked for (--limit, --after), else every page
// in turn so that `hubctl devices list` still shows the whole fleet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hubctl/api_result.h"
#include "hubctl/hub_api.h"

namespace edgehub::hubctl {

// Devices per request while walking every page: the hub's default page, so
// that no answer holds a large fleet at once (the hub's maximum is 5000).
inline constexpr std::uint32_t kDevicesPerWalkedPage = 500;

struct DevicesListOptions {
  std::optional<std::uint32_t> limit;  // one page of this many; absent: every page
  std::optional<std::string> after;    // start after this device id
  std::optional<std::string> state;    // connected | offline | disabled
};

// "limit=500&after=boiler-7&state=connected" (only what is given).
std::string device_page_query(std::uint32_t limit, const std::optional<std::string>& after,
                              const std::optional<std::string>& state);

// Every device after options.after (all: from the first), page after page:
// {"devices": [...]} in id order. A hub that does not page (no next_after)
// is one page. A next_after that does not move forward is a bad answer
// rather than an endless walk.
ApiResult list_every_device(HubApi& api, const DevicesListOptions& options);

}  // namespace edgehub::hubctl

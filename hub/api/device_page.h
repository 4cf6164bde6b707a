// One page of the device list (GET /api/v1/devices): the devices after the
// query's position, in id order, that pass its state filter, and where the
// next page starts.
//
// The registry is read in id ranges (DeviceRegistry::list_page), never whole.
// The disabled/enabled part of the filter is the registry's (SQL); whether a
// device is connected is the presence tracker's, in memory, so for
// state=connected|offline ranges of enabled devices are read and filtered
// until the page is full: a page costs the rows between its first and last
// device (plus one match, to know whether there is a next page), whatever
// the fleet's size. Paging is by id, not by count: a walk through the pages
// gives each device at most once, even while devices are added, removed,
// connect or disconnect meanwhile (a device that changes state during the
// walk is shown as it was when its range was read).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/device_list_query.h"
#include "edgehub/common/result.h"
#include "presence/device_presence.h"
#include "registry/device_registry.h"

namespace edgehub::hub {

struct DevicePage {
  std::vector<DeviceRecord> devices;
  // The id to ask for as `after` next; nullopt when this page is the last.
  std::optional<std::string> next_after;
};

// presence null: no device counts as connected.
Result<DevicePage> read_device_page(const DeviceRegistry& registry, const DevicePresence* presence,
                                    const DeviceListQuery& query);

}  // namespace edgehub::hub

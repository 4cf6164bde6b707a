#include "api/device_page.h"

#include <algorithm>

namespace edgehub::hub {
namespace {

// Rows read at once while filtering by connection state: few queries when
// few devices match, bounded memory when many do.
constexpr std::size_t kFilteredReadRows = 1000;

std::optional<DeviceStatus> registry_status(std::optional<DeviceStateFilter> state) {
  if (!state) return std::nullopt;
  return *state == DeviceStateFilter::disabled ? DeviceStatus::disabled : DeviceStatus::enabled;
}

bool passes(const DeviceRecord& device, std::optional<DeviceStateFilter> state,
            const DevicePresence* presence) {
  if (!state || *state == DeviceStateFilter::disabled) return true;  // the registry filtered
  const bool connected = presence != nullptr && presence->is_connected(device.id);
  return connected == (*state == DeviceStateFilter::connected);
}

}  // namespace

Result<DevicePage> read_device_page(const DeviceRegistry& registry, const DevicePresence* presence,
                                    const DeviceListQuery& query) {
  const bool by_presence = query.state && *query.state != DeviceStateFilter::disabled;
  // limit + 1: the one past the page tells whether there is a next page.
  const std::size_t rows =
      by_presence ? std::max(query.limit + 1, kFilteredReadRows) : query.limit + 1;
  const std::optional<DeviceStatus> status = registry_status(query.state);
  DevicePage page;
  std::string position = query.after;
  for (;;) {
    auto read = registry.list_page(position, rows, status);
    if (!read) return read.error();
    if (read->empty()) return page;
    // Taken before the devices are moved into the page.
    std::string last_read = read->back().id;
    for (DeviceRecord& device : *read) {
      if (!passes(device, query.state, presence)) continue;
      if (page.devices.size() == query.limit) {
        page.next_after = page.devices.back().id;
        return page;
      }
      page.devices.push_back(std::move(device));
    }
    if (read->size() < rows) return page;  // the registry's end
    position = std::move(last_read);
  }
}

}  // namespace edgehub::hub

// Whether a device is connected to the broker right now, as the broker
// plugin reported it (never as a device claims it). The seam between the
// presence tracker (presence/presence_tracker.h) and its users (commands).
#pragma once

#include <string_view>

namespace edgehub::hub {

class DevicePresence {
 public:
  virtual ~DevicePresence() = default;
  virtual bool is_connected(std::string_view device_id) const = 0;
};

}  // namespace edgehub::hub

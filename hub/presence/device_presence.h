// Whether a device is connected to the broker right now, and whether that
// connection has subscribed to its command topic, as the broker plugin
// reported it (never as a device claims it). The seam between the presence
// tracker (presence/presence_tracker.h) and its users (commands, twins).
#pragma once

#include <string_view>

namespace edgehub::hub {

class DevicePresence {
 public:
  virtual ~DevicePresence() = default;
  virtual bool is_connected(std::string_view device_id) const = 0;
  // Connected, and this connection subscribed to devices/<id>/commands: a
  // command published now reaches the device. Before that subscription a
  // publish is lost (a clean session has no subscription at CONNACK).
  virtual bool is_subscribed_to_commands(std::string_view device_id) const = 0;
};

}  // namespace edgehub::hub

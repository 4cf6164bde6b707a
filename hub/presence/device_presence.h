// Whether a device is connected to the broker right now, and whether that
// connection has subscribed to its command topic, as the broker plugin
// reported it (never as a device claims it). The seam between the presence
// tracker (presence/presence_tracker.h) and its users (commands, twins, the
// REST API's connection fields).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edgehub::hub {

// One device's current or last connection as the broker plugin reported it
// (broker_run and connection tell a reconnection from the connection before).
struct DeviceConnection {
  std::string device_id;
  bool connected = false;
  std::int64_t last_seen_ms = 0;  // when it connected (if connected) or disconnected
  std::uint64_t broker_run = 0;
  std::uint64_t connection = 0;
  // This connection subscribed to devices/<id>/commands (the plugin's
  // "subscribed" event). Kept in memory only: a device connected when hubd
  // starts counts as subscribed, as it did when hubd stopped (a subscription
  // it makes meanwhile arrives as an event all the same).
  bool commands_subscribed = false;
};

class DevicePresence {
 public:
  virtual ~DevicePresence() = default;
  virtual bool is_connected(std::string_view device_id) const = 0;
  // Connected, and this connection subscribed to devices/<id>/commands: a
  // command published now reaches the device. Before that subscription a
  // publish is lost (a clean session has no subscription at CONNACK).
  virtual bool is_subscribed_to_commands(std::string_view device_id) const = 0;
  // The device's current or last connection; nullopt if it never connected.
  virtual std::optional<DeviceConnection> connection_of(std::string_view device_id) const = 0;
};

}  // namespace edgehub::hub

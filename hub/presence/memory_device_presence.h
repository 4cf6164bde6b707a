// The in-memory side of the DevicePresence seam: presence set by hand, for
// tests and for callers that treat every device as reachable.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "presence/device_presence.h"

namespace edgehub::hub {

class MemoryDevicePresence final : public DevicePresence {
 public:
  // connected_by_default: a device never set counts as connected (since
  // time 0) rather than as never connected.
  explicit MemoryDevicePresence(bool connected_by_default = false)
      : connected_by_default_(connected_by_default) {}

  bool is_connected(std::string_view device_id) const override {
    std::lock_guard lock(mutex_);
    const auto set = reported_.find(device_id);
    return set != reported_.end() ? set->second.connected : connected_by_default_;
  }

  // A connected device counts as subscribed to its commands unless told
  // otherwise (set_subscribed_to_commands).
  bool is_subscribed_to_commands(std::string_view device_id) const override {
    if (!is_connected(device_id)) return false;
    std::lock_guard lock(mutex_);
    return not_subscribed_.count(std::string(device_id)) == 0;
  }

  std::optional<DeviceConnection> connection_of(std::string_view device_id) const override {
    std::lock_guard lock(mutex_);
    DeviceConnection connection;
    if (const auto set = reported_.find(device_id); set != reported_.end()) {
      connection = set->second;
    } else if (connected_by_default_) {
      connection.device_id = std::string(device_id);
      connection.connected = true;
    } else {
      return std::nullopt;
    }
    connection.commands_subscribed =
        connection.connected && not_subscribed_.count(connection.device_id) == 0;
    return connection;
  }

  void set_subscribed_to_commands(const std::string& device_id, bool subscribed) {
    std::lock_guard lock(mutex_);
    if (subscribed) {
      not_subscribed_.erase(device_id);
    } else {
      not_subscribed_.insert(device_id);
    }
  }

  // The device connected or disconnected at last_seen_ms.
  void set(const std::string& device_id, bool connected, std::int64_t last_seen_ms = 0) {
    std::lock_guard lock(mutex_);
    DeviceConnection& connection = reported_[device_id];
    connection.device_id = device_id;
    connection.connected = connected;
    connection.last_seen_ms = last_seen_ms;
  }

 private:
  const bool connected_by_default_;
  mutable std::mutex mutex_;
  std::map<std::string, DeviceConnection, std::less<>> reported_;  // set by hand
  std::set<std::string> not_subscribed_;
};

}  // namespace edgehub::hub

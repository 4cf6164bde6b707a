// The in-memory side of the DevicePresence seam: presence set by hand, for
// tests and for callers that treat every device as reachable.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "presence/device_presence.h"

namespace edgehub::hub {

class MemoryDevicePresence final : public DevicePresence {
 public:
  explicit MemoryDevicePresence(bool connected_by_default = false)
      : connected_by_default_(connected_by_default) {}

  bool is_connected(std::string_view device_id) const override {
    std::lock_guard lock(mutex_);
    return exceptions_.count(std::string(device_id)) != 0 ? !connected_by_default_
                                                          : connected_by_default_;
  }

  // A connected device counts as subscribed to its commands unless told
  // otherwise (set_subscribed_to_commands).
  bool is_subscribed_to_commands(std::string_view device_id) const override {
    if (!is_connected(device_id)) return false;
    std::lock_guard lock(mutex_);
    return not_subscribed_.count(std::string(device_id)) == 0;
  }

  void set_subscribed_to_commands(const std::string& device_id, bool subscribed) {
    std::lock_guard lock(mutex_);
    if (subscribed) {
      not_subscribed_.erase(device_id);
    } else {
      not_subscribed_.insert(device_id);
    }
  }

  void set(const std::string& device_id, bool connected) {
    std::lock_guard lock(mutex_);
    if (connected == connected_by_default_) {
      exceptions_.erase(device_id);
    } else {
      exceptions_.insert(device_id);
    }
  }

 private:
  const bool connected_by_default_;
  mutable std::mutex mutex_;
  std::set<std::string> exceptions_;  // devices whose state differs from the default
  std::set<std::string> not_subscribed_;
};

}  // namespace edgehub::hub

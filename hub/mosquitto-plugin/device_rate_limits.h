// Per-device rate limits: messages/s, bytes/s, connects/minute, retained
// publishes. Pure (the caller passes the time); the entry points refuse the
// CONNECT or disconnect the device (no PUBACK: the device keeps the message)
// when a check returns a hit. Only devices are checked: hubd's service
// identity never reaches this class.
//
// State is per identity, not per connection: reconnecting does not refill
// a bucket. A device whose buckets are all full again is forgotten
// (forget_idle), so memory follows the devices that are busy right now.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mosquitto-plugin/device_limit.h"
#include "mosquitto-plugin/token_bucket.h"

namespace edgehub::hub::mosquitto_auth {

class DeviceRateLimits {
 public:
  explicit DeviceRateLimits(DeviceLimitSettings settings);

  // A publish of payload_bytes (retain: the flag as received). nullopt: allowed.
  std::optional<LimitHit> check_publish(std::string_view device, std::size_t payload_bytes,
                                        bool retain, SteadyTime now);
  // A new connection of device that passed every identity check.
  std::optional<LimitHit> check_connect(std::string_view device, SteadyTime now);

  // Drops the state of devices whose buckets have refilled.
  void forget_idle(SteadyTime now);
  std::size_t tracked_devices() const noexcept { return devices_.size(); }

 private:
  struct Buckets {
    std::optional<TokenBucket> messages;
    std::optional<TokenBucket> bytes;
    std::optional<TokenBucket> connects;
  };
  Buckets& buckets_of(std::string_view device, SteadyTime now);

  struct StringHash {  // lookups by string_view: no allocation per message
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };

  DeviceLimitSettings settings_;
  std::unordered_map<std::string, Buckets, StringHash, std::equal_to<>> devices_;
};

}  // namespace edgehub::hub::mosquitto_auth

#include "mosquitto-plugin/device_rate_limits.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace edgehub::hub::mosquitto_auth {
namespace {

std::string number(double value) {
  // Integral settings print without decimals ("200", not "200.000000").
  if (std::floor(value) == value) return std::to_string(static_cast<long long>(value));
  return std::to_string(value);
}

}  // namespace

const char* to_string(DeviceLimit limit) noexcept {
  switch (limit) {
    case DeviceLimit::messages_per_second:
      return "messages_per_second";
    case DeviceLimit::bytes_per_second:
      return "bytes_per_second";
    case DeviceLimit::connects_per_minute:
      return "connects_per_minute";
    case DeviceLimit::retained:
      return "retained";
    case DeviceLimit::connect_timeout:
      return "connect_timeout";
    case DeviceLimit::journal_unavailable:
      return "journal_unavailable";
    case DeviceLimit::certificate_validity:
      return "certificate_validity";
  }
  return "unknown";
}

DeviceRateLimits::DeviceRateLimits(DeviceLimitSettings settings) : settings_(settings) {}

DeviceRateLimits::Buckets& DeviceRateLimits::buckets_of(std::string_view device, SteadyTime now) {
  auto found = devices_.find(device);
  if (found != devices_.end()) return found->second;
  Buckets fresh;
  if (settings_.messages_per_second > 0) {
    fresh.messages.emplace(settings_.messages_per_second, std::max(settings_.message_burst, 1.0),
                           now);
  }
  if (settings_.bytes_per_second > 0) {
    fresh.bytes.emplace(settings_.bytes_per_second, std::max(settings_.byte_burst, 1.0), now);
  }
  if (settings_.connects_per_minute > 0) {
    fresh.connects.emplace(settings_.connects_per_minute / 60.0, settings_.connects_per_minute,
                           now);
  }
  return devices_.emplace(std::string(device), std::move(fresh)).first->second;
}

std::optional<LimitHit> DeviceRateLimits::check_publish(std::string_view device,
                                                        std::size_t payload_bytes, bool retain,
                                                        SteadyTime now) {
  if (retain && settings_.refuse_retained) {
    return LimitHit{DeviceLimit::retained,
                    "retained publish refused (devices may not leave retained messages)"};
  }
  if (settings_.messages_per_second <= 0 && settings_.bytes_per_second <= 0) return std::nullopt;
  Buckets& buckets = buckets_of(device, now);
  if (buckets.messages && !buckets.messages->take(1, now)) {
    return LimitHit{DeviceLimit::messages_per_second,
                    "over " + number(settings_.messages_per_second) + " messages/s (burst " +
                        number(settings_.message_burst) + ")"};
  }
  if (buckets.bytes && !buckets.bytes->take(static_cast<double>(payload_bytes), now)) {
    return LimitHit{DeviceLimit::bytes_per_second, "over " + number(settings_.bytes_per_second) +
                                                       " payload bytes/s (burst " +
                                                       number(settings_.byte_burst) + ")"};
  }
  return std::nullopt;
}

std::optional<LimitHit> DeviceRateLimits::check_connect(std::string_view device, SteadyTime now) {
  if (settings_.connects_per_minute <= 0) return std::nullopt;
  Buckets& buckets = buckets_of(device, now);
  if (buckets.connects && !buckets.connects->take(1, now)) {
    return LimitHit{DeviceLimit::connects_per_minute,
                    "over " + number(settings_.connects_per_minute) + " connects/minute"};
  }
  return std::nullopt;
}

void DeviceRateLimits::forget_idle(SteadyTime now) {
  for (auto it = devices_.begin(); it != devices_.end();) {
    const Buckets& buckets = it->second;
    const bool idle = (!buckets.messages || buckets.messages->is_full(now)) &&
                      (!buckets.bytes || buckets.bytes->is_full(now)) &&
                      (!buckets.connects || buckets.connects->is_full(now));
    it = idle ? devices_.erase(it) : std::next(it);
  }
}

}  // namespace edgehub::hub::mosquitto_auth

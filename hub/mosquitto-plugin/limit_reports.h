// How often a limit hit is reported to hubd (and logged): the first hit of
// a device on a limit is reported at once, further hits of the same device
// on the same limit within `window` are only counted, and their number is
// reported when the window ends. So a device looping over a limit costs at
// most 2 reports per limit per window (lifecycle records in hubd, log lines
// in the broker), and hubd still learns every hit. Pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mosquitto-plugin/device_limit.h"
#include "mosquitto-plugin/token_bucket.h"

namespace edgehub::hub::mosquitto_auth {

inline constexpr std::chrono::seconds kDefaultLimitReportWindow{60};

struct LimitReport {
  std::string device_id;  // empty: not a device (connect_timeout)
  DeviceLimit limit = DeviceLimit::messages_per_second;
  std::string reason;
  std::uint64_t hits = 0;  // hits since the previous report of this device and limit
};

class LimitReports {
 public:
  explicit LimitReports(std::chrono::milliseconds window = kDefaultLimitReportWindow);

  // A hit: the report to send now, or nullopt (counted for a later report).
  std::optional<LimitReport> hit(std::string_view device_id, const LimitHit& hit, SteadyTime now);
  // The counted hits whose window has ended (call it regularly, e.g. on
  // every broker tick); forgets device/limit pairs that had none.
  std::vector<LimitReport> due(SteadyTime now);

 private:
  struct Window {
    SteadyTime started;
    std::string reason;
    std::uint64_t unreported = 0;
  };
  std::chrono::milliseconds window_;
  std::map<std::pair<std::string, DeviceLimit>, Window> windows_;
};

}  // namespace edgehub::hub::mosquitto_auth

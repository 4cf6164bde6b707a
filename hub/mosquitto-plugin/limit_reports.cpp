#include "mosquitto-plugin/limit_reports.h"

namespace edgehub::hub::mosquitto_auth {

LimitReports::LimitReports(std::chrono::milliseconds window) : window_(window) {}

std::optional<LimitReport> LimitReports::hit(std::string_view device_id, const LimitHit& hit,
                                             SteadyTime now) {
  auto key = std::make_pair(std::string(device_id), hit.limit);
  auto found = windows_.find(key);
  if (found != windows_.end() && now - found->second.started < window_) {
    ++found->second.unreported;
    found->second.reason = hit.reason;
    return std::nullopt;
  }
  // No window open, or one that ended with hits the next due() would report:
  // report them together with this one.
  std::uint64_t hits = 1;
  if (found != windows_.end()) hits += found->second.unreported;
  windows_[key] = Window{now, hit.reason, 0};
  return LimitReport{std::string(device_id), hit.limit, hit.reason, hits};
}

std::vector<LimitReport> LimitReports::due(SteadyTime now) {
  std::vector<LimitReport> reports;
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (now - it->second.started < window_) {
      ++it;
      continue;
    }
    if (it->second.unreported > 0) {
      reports.push_back(
          LimitReport{it->first.first, it->first.second, it->second.reason, it->second.unreported});
      // A new window: a device still over the limit is reported once more
      // per window, not once per hit.
      it->second = Window{now, it->second.reason, 0};
      ++it;
    } else {
      it = windows_.erase(it);
    }
  }
  return reports;
}

}  // namespace edgehub::hub::mosquitto_auth

#include "mosquitto-plugin/connect_deadline.h"

#include <algorithm>
#include <unordered_set>

namespace edgehub::hub::mosquitto_auth {

ConnectDeadline::ConnectDeadline(std::chrono::milliseconds deadline) : deadline_(deadline) {}

std::chrono::milliseconds ConnectDeadline::scan_interval() const {
  return std::clamp(deadline_ / 10, std::chrono::milliseconds(250),
                    std::chrono::milliseconds(1000));
}

std::chrono::milliseconds ConnectDeadline::next_scan_after(
    std::chrono::nanoseconds scan_took) const {
  const auto ten_times = std::chrono::ceil<std::chrono::milliseconds>(scan_took * 10);
  return std::clamp(ten_times, scan_interval(), std::max(scan_interval(), deadline_));
}

void ConnectDeadline::admitted(std::uint64_t inode, SteadyTime now) {
  auto [entry, inserted] = sockets_.try_emplace(inode, Tracked{now, true, false});
  if (!inserted) entry->second.admitted = true;
}

std::vector<ObservedSocket> ConnectDeadline::observe(const std::vector<ObservedSocket>& open,
                                                     SteadyTime now) {
  std::vector<ObservedSocket> expired;
  std::unordered_set<std::uint64_t> present;
  present.reserve(open.size());
  for (const ObservedSocket& socket : open) {
    present.insert(socket.inode);
    auto [entry, inserted] = sockets_.try_emplace(socket.inode, Tracked{now, false, false});
    Tracked& tracked = entry->second;
    if (inserted || tracked.admitted || tracked.expired) continue;
    if (now - tracked.first_seen >= deadline_) {
      tracked.expired = true;
      expired.push_back(socket);
    }
  }
  for (auto it = sockets_.begin(); it != sockets_.end();) {
    it = present.count(it->first) != 0 ? std::next(it) : sockets_.erase(it);
  }
  return expired;
}

}  // namespace edgehub::hub::mosquitto_auth

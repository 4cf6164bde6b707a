#include "fleet_worker.h"

#include <poll.h>

#include <algorithm>

#include "sim_clock.h"

namespace edgehub::sim {
namespace {

// Longest sleep: a stop request is noticed within this time.
constexpr std::uint64_t kMaxPollMs = 100;

}  // namespace

void FleetWorker::run() {
  std::vector<pollfd> descriptors;
  std::vector<std::size_t> owners;
  std::vector<bool> driven(devices_.size());
  bool stop_seen = false;
  for (;;) {
    std::uint64_t now = steady_ms();
    if (!stop_seen && stop_.load()) {
      stop_seen = true;
      for (auto& device : devices_) device->request_stop(now);
    }
    descriptors.clear();
    owners.clear();
    bool all_done = true;
    bool immediately = false;
    std::uint64_t next_wakeup = now + kMaxPollMs;
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      const SimulatedDevice& device = *devices_[i];
      if (device.done()) continue;
      all_done = false;
      const short events = device.poll_events();
      if (events != 0 && device.fd() >= 0) {
        descriptors.push_back(pollfd{device.fd(), events, 0});
        owners.push_back(i);
      }
      next_wakeup = std::min(next_wakeup, device.wakeup_ms());
      immediately = immediately || device.has_buffered_input();
    }
    if (all_done) return;

    const int timeout = immediately || next_wakeup <= now ? 0 : static_cast<int>(next_wakeup - now);
    (void)::poll(descriptors.data(), descriptors.size(), timeout);

    now = steady_ms();
    std::fill(driven.begin(), driven.end(), false);
    for (std::size_t k = 0; k < descriptors.size(); ++k) {
      if (descriptors[k].revents == 0) continue;
      devices_[owners[k]]->drive(now);
      driven[owners[k]] = true;
    }
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      SimulatedDevice& device = *devices_[i];
      if (driven[i] || device.done()) continue;
      if (now >= device.wakeup_ms() || device.has_buffered_input()) device.drive(now);
    }
  }
}

}  // namespace edgehub::sim

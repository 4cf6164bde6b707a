#include "fleet_worker.h"

#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "sim_clock.h"

namespace edgehub::sim {
namespace {

// Longest sleep: a stop request is noticed within this time.
constexpr std::uint64_t kMaxPollMs = 100;
constexpr int kMaxReadyPerWait = 256;

std::uint32_t epoll_events_for(short poll_events) {
  std::uint32_t events = 0;
  if ((poll_events & POLLIN) != 0) events |= EPOLLIN;
  if ((poll_events & POLLOUT) != 0) events |= EPOLLOUT;
  return events;
}

}  // namespace

FleetWorker::FleetWorker(std::vector<std::unique_ptr<SimulatedDevice>> devices,
                         const std::atomic<bool>& stop, FleetCounters& counters)
    : devices_(std::move(devices)), stop_(stop), counters_(counters), registered_(devices_.size()) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    throw std::runtime_error(std::string("firmware-sim: epoll_create1: ") + std::strerror(errno));
  }
}

FleetWorker::~FleetWorker() {
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

// Brings the epoll registration of device i in line with what it waits for.
// A socket the device closed left the epoll set with the close (the kernel
// removes it), so a changed or closed socket is forgotten, never deleted: its
// number may already belong to another device's new socket.
void FleetWorker::watch(std::size_t i, int fd, short poll_events) {
  Registration& registration = registered_[i];
  const std::uint32_t events = epoll_events_for(poll_events);
  const std::uint64_t socket = devices_[i]->sockets_opened();
  if (registration.fd >= 0 && (registration.fd != fd || registration.socket != socket)) {
    registration = Registration{};  // closed by the device
  }
  if (fd < 0) return;
  epoll_event event{};
  event.data.u64 = i;
  if (events == 0) {
    if (registration.fd >= 0) (void)::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, &event);
    registration = Registration{};
    return;
  }
  if (registration.fd == fd && registration.events == events) return;
  event.events = events;
  const int operation = registration.fd == fd ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (::epoll_ctl(epoll_fd_, operation, fd, &event) != 0) {
    // ADD of a socket still registered (same socket, new phase) or MOD of one
    // the kernel dropped: the other operation fits.
    const int other = operation == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (::epoll_ctl(epoll_fd_, other, fd, &event) != 0) {
      registration = Registration{};  // not watched: driven by its timer only
      return;
    }
  }
  registration = Registration{fd, events, socket};
}

void FleetWorker::run() {
  std::vector<epoll_event> ready(kMaxReadyPerWait);
  std::vector<bool> driven(devices_.size());
  bool stop_seen = false;
  for (;;) {
    std::uint64_t now = steady_ms();
    if (drop_order_ != nullptr && drop_order_->generation.load() != drop_generation_) {
      drop_generation_ = drop_order_->generation.load();
      const std::uint32_t per_mille = drop_order_->per_mille.load();
      // Spread over the slice by a multiplicative hash of the index: a share
      // of each group, not the first devices only.
      for (std::size_t i = 0; i < devices_.size(); ++i) {
        if ((i * 2654435761U) % 1000 < per_mille) devices_[i]->drop_connection(now);
      }
    }
    if (!stop_seen && stop_.load()) {
      stop_seen = true;
      for (auto& device : devices_) device->request_stop(now);
    }
    bool all_done = true;
    bool immediately = false;
    std::uint64_t next_wakeup = now + kMaxPollMs;
    FleetGauges gauges;
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      const SimulatedDevice& device = *devices_[i];
      switch (device.link_state()) {
        case LinkState::offline:
          ++gauges.offline;
          break;
        case LinkState::connecting:
          ++gauges.connecting;
          break;
        case LinkState::connected:
          ++gauges.connected;
          break;
        case LinkState::done:
          ++gauges.done;
          break;
      }
      if (device.done()) {
        watch(i, -1, 0);
        continue;
      }
      all_done = false;
      watch(i, device.fd(), device.poll_events());
      next_wakeup = std::min(next_wakeup, device.wakeup_ms());
      immediately = immediately || device.has_buffered_input();
    }
    counters_.set_gauges(gauges);
    if (all_done) return;

    const int timeout = immediately || next_wakeup <= now ? 0 : static_cast<int>(next_wakeup - now);
    const int count =
        ::epoll_wait(epoll_fd_, ready.data(), static_cast<int>(ready.size()), timeout);

    now = steady_ms();
    std::fill(driven.begin(), driven.end(), false);
    for (int k = 0; k < count; ++k) {
      const auto i = static_cast<std::size_t>(ready[static_cast<std::size_t>(k)].data.u64);
      if (driven[i] || devices_[i]->done()) continue;
      devices_[i]->drive(now);
      driven[i] = true;
    }
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      SimulatedDevice& device = *devices_[i];
      if (driven[i] || device.done()) continue;
      if (now >= device.wakeup_ms() || device.has_buffered_input()) device.drive(now);
    }
  }
}

}  // namespace edgehub::sim

// A worker thread's loop: one epoll set over the sockets of its slice of the
// fleet, driving each device when its socket is ready or its timer is due.
// No thread per device: a few workers carry a thousand devices, and a ready
// socket costs the same whether the slice has ten devices or a thousand.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "simulated_device.h"

namespace edgehub::sim {

class FleetWorker {
 public:
  FleetWorker(std::vector<std::unique_ptr<SimulatedDevice>> devices, const std::atomic<bool>& stop,
              FleetCounters& counters);
  ~FleetWorker();
  FleetWorker(const FleetWorker&) = delete;
  FleetWorker& operator=(const FleetWorker&) = delete;

  // A scenario's mass disconnect: each time generation changes, devices
  // whose place in the fleet falls within share (0..1] drop their connection.
  struct DropOrder {
    std::atomic<std::uint64_t> generation{0};
    std::atomic<std::uint32_t> per_mille{1000};
  };
  void follow(const DropOrder* order) noexcept { drop_order_ = order; }

  // Returns when every device is done (finished its --count, or stopped).
  void run();

 private:
  // What the epoll set holds for one device: its socket (by number and by
  // the device's count of sockets opened) and the events asked for.
  struct Registration {
    int fd = -1;
    std::uint32_t events = 0;
    std::uint64_t socket = 0;
  };

  void watch(std::size_t i, int fd, short poll_events);

  std::vector<std::unique_ptr<SimulatedDevice>> devices_;
  const std::atomic<bool>& stop_;
  FleetCounters& counters_;  // this worker's own: gauges after every round
  std::vector<Registration> registered_;
  int epoll_fd_ = -1;
  const DropOrder* drop_order_ = nullptr;
  std::uint64_t drop_generation_ = 0;
};

}  // namespace edgehub::sim

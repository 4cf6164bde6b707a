// A worker thread's loop: one poll() over the sockets of its slice of the
// fleet, driving each device when its socket is ready or its timer is due.
// No thread per device: a few workers carry a thousand devices.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "simulated_device.h"

namespace edgehub::sim {

class FleetWorker {
 public:
  FleetWorker(std::vector<std::unique_ptr<SimulatedDevice>> devices, const std::atomic<bool>& stop)
      : devices_(std::move(devices)), stop_(stop) {}

  // Returns when every device is done (finished its --count, or stopped).
  void run();

 private:
  std::vector<std::unique_ptr<SimulatedDevice>> devices_;
  const std::atomic<bool>& stop_;
};

}  // namespace edgehub::sim

#include "mqtt/nodelay_window.h"

namespace edgehub::hub {

NodelayWindow::NodelayWindow(std::chrono::milliseconds hold, SetNodelay set_nodelay)
    : hold_(hold), set_nodelay_(std::move(set_nodelay)) {}

void NodelayWindow::attach(std::vector<int> sockets) {
  std::lock_guard lock(mutex_);
  sockets_ = std::move(sockets);
  // A publish under way on the new connection still needs it.
  if (publishes_in_progress_ > 0) {
    set_all(true);
  } else {
    nodelay_.store(false, std::memory_order_relaxed);
  }
}

void NodelayWindow::publishing() {
  std::lock_guard lock(mutex_);
  ++publishes_in_progress_;
  if (!nodelay_.load(std::memory_order_relaxed)) set_all(true);
}

void NodelayWindow::published(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (publishes_in_progress_ > 0) --publishes_in_progress_;
  last_publish_ = now;
}

void NodelayWindow::receiving(Clock::time_point now) {
  if (!nodelay_.load(std::memory_order_relaxed)) return;
  std::lock_guard lock(mutex_);
  if (publishes_in_progress_ == 0 && now - last_publish_ >= hold_) set_all(false);
}

void NodelayWindow::set_all(bool on) {
  for (int socket : sockets_) set_nodelay_(socket, on);
  nodelay_.store(on, std::memory_order_relaxed);
}

}  // namespace edgehub::hub

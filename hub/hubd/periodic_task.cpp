#include "hubd/periodic_task.h"

namespace edgehub::hub {

PeriodicTask::PeriodicTask(std::chrono::milliseconds period, std::function<void()> run)
    : period_(period), run_(std::move(run)) {}

PeriodicTask::~PeriodicTask() { stop(); }

void PeriodicTask::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stop_requested_.wait_for(lock, period_, [this] { return stopping_; })) {
      lock.unlock();
      run_();
      lock.lock();
    }
  });
}

void PeriodicTask::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace edgehub::hub

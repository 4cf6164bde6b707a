// Runs a function every period on a thread of its own until stop(): for
// hubd's chores that are not worth a module of their own (the hub's
// certificate renewal). The function must not throw; the first run is one
// period after start().
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace edgehub::hub {

class PeriodicTask {
 public:
  PeriodicTask(std::chrono::milliseconds period, std::function<void()> run);
  ~PeriodicTask();  // stop()
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  void start();
  // Ends the wait at once; a run in progress finishes first. Idempotent.
  void stop();

 private:
  std::chrono::milliseconds period_;
  std::function<void()> run_;
  std::mutex mutex_;
  std::condition_variable stop_requested_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace edgehub::hub

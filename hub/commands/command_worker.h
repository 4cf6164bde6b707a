// The hub's background thread for commands: delivers a device's queued
// commands (and synchronous ones waiting for it) when it has subscribed to
// its command topic (device_ready), and sweeps overdue ones
// (expired, timed-out) every interval, and applies the command retention
// (prune) every prune interval, first right at start. Runs publishes off the
// broker's receive thread (see command_dispatcher.h).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "commands/command_dispatcher.h"

namespace edgehub::hub {

class CommandWorker {
 public:
  explicit CommandWorker(CommandDispatcher& dispatcher,
                         std::chrono::milliseconds sweep_interval = std::chrono::milliseconds(100),
                         std::chrono::milliseconds prune_interval = std::chrono::minutes(1));
  CommandWorker(const CommandWorker&) = delete;
  CommandWorker& operator=(const CommandWorker&) = delete;
  ~CommandWorker();  // stop()

  void start();
  void stop();
  // The device can receive commands now (it subscribed to its command
  // topic, or hubd restarted while it was connected), or has new queued
  // commands (a fleet job): send its queued commands soon. Many ready
  // devices are delivered over several turns of at most 200 ms, each
  // followed by the sweep when it is due.
  void device_ready(std::string_view device_id);
  // The device can receive its twin now (subscribed to devices/<id>/desired,
  // or hubd restarted while it was connected): run the connect hook soon.
  void device_connected(std::string_view device_id);
  // Run on this thread for every device that connected: hubd sends the
  // device's twin. Set before start().
  void set_connect_hook(std::function<void(const std::string&)> hook) {
    connect_hook_ = std::move(hook);
  }

 private:
  void run();

  CommandDispatcher& dispatcher_;
  std::chrono::milliseconds sweep_interval_;
  std::chrono::milliseconds prune_interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::set<std::string, std::less<>> ready_;
  std::set<std::string, std::less<>> connected_;
  // Devices whose delivery failed (broker connection lost): retried each sweep.
  std::set<std::string, std::less<>> retry_;
  bool stopping_ = false;
  std::function<void(const std::string&)> connect_hook_;
  std::thread thread_;
};

}  // namespace edgehub::hub

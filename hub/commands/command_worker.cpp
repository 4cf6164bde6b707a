#include "commands/command_worker.h"

#include <spdlog/spdlog.h>

namespace edgehub::hub {
namespace {

// How long one turn delivers before the rest of the ready devices wait for
// the next turn: a fleet job makes thousands of devices ready at once, and
// the sweep and devices that connect meanwhile do not wait for all of them.
constexpr std::chrono::milliseconds kDeliveryTurn{200};

}  // namespace

CommandWorker::CommandWorker(CommandDispatcher& dispatcher,
                             std::chrono::milliseconds sweep_interval,
                             std::chrono::milliseconds prune_interval)
    : dispatcher_(dispatcher), sweep_interval_(sweep_interval), prune_interval_(prune_interval) {}

CommandWorker::~CommandWorker() { stop(); }

void CommandWorker::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void CommandWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CommandWorker::device_ready(std::string_view device_id) {
  {
    std::lock_guard lock(mutex_);
    ready_.emplace(device_id);
  }
  wake_.notify_all();
}

void CommandWorker::device_connected(std::string_view device_id) {
  {
    std::lock_guard lock(mutex_);
    connected_.emplace(device_id);
  }
  wake_.notify_all();
}

void CommandWorker::run() {
  auto next_sweep = std::chrono::steady_clock::now();
  auto next_prune = next_sweep;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_until(lock, next_sweep,
                     [&] { return stopping_ || !ready_.empty() || !connected_.empty(); });
    if (stopping_) break;
    std::set<std::string, std::less<>> devices;
    devices.swap(ready_);
    std::set<std::string, std::less<>> newly_connected;
    newly_connected.swap(connected_);
    const bool sweep_due = std::chrono::steady_clock::now() >= next_sweep;
    if (sweep_due) {
      devices.merge(retry_);
      retry_.clear();
    }
    lock.unlock();
    std::set<std::string, std::less<>> failed;
    const auto turn_ends = std::chrono::steady_clock::now() + kDeliveryTurn;
    auto next = devices.begin();
    for (; next != devices.end() && std::chrono::steady_clock::now() < turn_ends; ++next) {
      if (Status delivered = dispatcher_.deliver_queued(*next); !delivered) {
        spdlog::warn("commands: cannot deliver the queued commands of '{}' yet: {}", *next,
                     delivered.error().message);
        failed.insert(*next);
      }
    }
    std::set<std::string, std::less<>> next_turn(next, devices.end());
    if (connect_hook_) {
      for (const std::string& device : newly_connected) connect_hook_(device);
    }
    if (sweep_due) {
      if (Status swept = dispatcher_.sweep(); !swept) {
        spdlog::warn("commands: cannot expire overdue commands: {}", swept.error().message);
      }
      next_sweep = std::chrono::steady_clock::now() + sweep_interval_;
    }
    if (sweep_due && std::chrono::steady_clock::now() >= next_prune) {
      if (auto pruned = dispatcher_.prune(); !pruned) {
        spdlog::warn("commands: cannot apply the retention: {}", pruned.error().message);
      } else if (*pruned != 0) {
        spdlog::info("commands: retention deleted {} final commands", *pruned);
      }
      next_prune = std::chrono::steady_clock::now() + prune_interval_;
    }
    lock.lock();
    retry_.merge(failed);
    ready_.merge(next_turn);
  }
}

}  // namespace edgehub::hub

// Wakes readers waiting for new records (long-poll, Server-Sent Events) when
// an append commits: a condition variable, no polling of the database.
// Shared by both StreamStore implementations.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace edgehub::hub {

class AppendSignal {
 public:
  // Call after a commit that appended records.
  void notify() {
    {
      std::lock_guard lock(mutex_);
      ++generation_;
    }
    changed_.notify_all();
  }

  // Waits until has_record() is true, the timeout passes or interrupt() was
  // called; returns has_record()'s last answer. has_record is evaluated
  // without this signal's lock held (it may take the store's lock).
  bool wait(const std::function<bool()>& has_record, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      std::uint64_t seen = 0;
      {
        std::lock_guard lock(mutex_);
        seen = generation_;
        if (interrupted_) return has_record();
      }
      if (has_record()) return true;
      std::unique_lock lock(mutex_);
      const bool woken =
          changed_.wait_until(lock, deadline, [&] { return generation_ != seen || interrupted_; });
      if (!woken) return false;
    }
  }

  void interrupt() {
    {
      std::lock_guard lock(mutex_);
      interrupted_ = true;
    }
    changed_.notify_all();
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::uint64_t generation_ = 0;
  bool interrupted_ = false;
};

}  // namespace edgehub::hub

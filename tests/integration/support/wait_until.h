// Polling a condition with a deadline, instead of sleeping a fixed time.
#pragma once

#include <chrono>
#include <thread>

namespace edgehub::itest {

// Calls `condition` every `poll_interval` until it returns true or `timeout`
// has passed; returns its last answer (checked once more at the deadline).
template <class Condition>
bool wait_until(Condition&& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll_interval = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(poll_interval);
  }
  return static_cast<bool>(condition());
}

}  // namespace edgehub::itest

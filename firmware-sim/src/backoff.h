// Reconnect delays: exponential backoff with full jitter (a random delay
// between 0 and min(cap, base * 2^attempt)), so that a fleet that lost its
// broker does not come back all in the same millisecond.
#pragma once

#include <cstdint>
#include <random>

namespace edgehub::sim {

class Backoff {
 public:
  Backoff(std::uint32_t base_ms, std::uint32_t cap_ms, std::uint64_t seed)
      : base_ms_(base_ms), cap_ms_(cap_ms), random_(seed) {}

  // The delay before the next attempt; each call doubles the ceiling.
  std::uint32_t next_delay_ms();
  // After a connection that worked: start from base again.
  void reset() { attempt_ = 0; }

 private:
  std::uint32_t base_ms_;
  std::uint32_t cap_ms_;
  std::uint32_t attempt_ = 0;
  std::mt19937_64 random_;
};

}  // namespace edgehub::sim

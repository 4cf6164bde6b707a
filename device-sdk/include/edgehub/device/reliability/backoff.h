// Reconnect delays: exponential backoff with full jitter. The n-th delay after
// a failure is drawn uniformly from [1, min(cap, base * 2^n)] ms, so that a
// fleet that lost its broker does not come back in the same millisecond and a
// refused connection is never retried in a busy loop.
//
// Pure: time and randomness are injected. ReconnectSchedule adds the clock:
// "may I try again now?".
#pragma once

#include <cstdint>

#include "edgehub/device/clock.h"
#include "edgehub/device/config.h"
#include "edgehub/device/random.h"

namespace edgehub::device::reliability {

class Backoff {
 public:
  Backoff(const RandomSource& random, std::uint32_t base_ms = config::kBackoffBaseMs,
          std::uint32_t cap_ms = config::kBackoffCapMs) noexcept;

  // The delay before the next attempt; each call doubles the ceiling up to cap.
  std::uint32_t next_delay_ms() noexcept;
  // The ceiling next_delay_ms() draws below on its next call.
  std::uint32_t ceiling_ms() const noexcept;
  // After a connection that worked: start from base again.
  void reset() noexcept { attempt_ = 0; }
  std::uint32_t attempt() const noexcept { return attempt_; }

 private:
  RandomSource random_;
  std::uint32_t base_ms_;
  std::uint32_t cap_ms_;
  std::uint32_t attempt_ = 0;
};

// When the next connection attempt is due, on the injected clock.
class ReconnectSchedule {
 public:
  ReconnectSchedule(const Clock& clock, const Backoff& backoff) noexcept
      : clock_(clock), backoff_(backoff) {}

  // A connection attempt failed or a connection was lost: the next attempt
  // waits for a fresh backoff delay, which is returned.
  std::uint32_t failed() noexcept;
  // The connection is up (CONNACK): the next failure starts from base again.
  void connected() noexcept;
  bool attempt_due() const noexcept { return ms_until_attempt() == 0; }
  std::uint32_t ms_until_attempt() const noexcept;
  Backoff& backoff() noexcept { return backoff_; }

 private:
  Clock clock_;
  Backoff backoff_;
  std::uint32_t failed_at_ms_ = 0;
  std::uint32_t delay_ms_ = 0;
};

}  // namespace edgehub::device::reliability

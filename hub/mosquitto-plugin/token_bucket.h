// A token bucket: `rate` tokens per second up to `burst`, on a caller-given
// clock (pure). Used for a device's messages/s, bytes/s and connects/minute.
#pragma once

#include <chrono>

namespace edgehub::hub::mosquitto_auth {

using SteadyTime = std::chrono::steady_clock::time_point;

class TokenBucket {
 public:
  // Starts full. rate > 0, burst > 0.
  TokenBucket(double rate_per_second, double burst, SteadyTime now);

  // Takes cost tokens if there are that many. A cost over the whole burst
  // (one message larger than the byte burst) is taken from a full bucket,
  // which then owes the difference: such a message passes at the average
  // rate instead of never.
  bool take(double cost, SteadyTime now);

  // Back to full by now: nothing would be lost by forgetting this bucket.
  bool is_full(SteadyTime now) const;

 private:
  double level(SteadyTime now) const;

  double rate_;
  double burst_;
  double tokens_;
  SteadyTime updated_;
};

}  // namespace edgehub::hub::mosquitto_auth

#include "mosquitto-plugin/token_bucket.h"

#include <algorithm>

namespace edgehub::hub::mosquitto_auth {

TokenBucket::TokenBucket(double rate_per_second, double burst, SteadyTime now)
    : rate_(rate_per_second), burst_(burst), tokens_(burst), updated_(now) {}

double TokenBucket::level(SteadyTime now) const {
  // A clock that went backwards (it should not: steady) refills nothing.
  const double elapsed = std::max(0.0, std::chrono::duration<double>(now - updated_).count());
  return std::min(burst_, tokens_ + elapsed * rate_);
}

bool TokenBucket::take(double cost, SteadyTime now) {
  tokens_ = level(now);
  if (now > updated_) updated_ = now;
  if (tokens_ >= cost || tokens_ >= burst_) {
    tokens_ -= cost;
    return true;
  }
  return false;
}

bool TokenBucket::is_full(SteadyTime now) const { return level(now) >= burst_; }

}  // namespace edgehub::hub::mosquitto_auth

// Randomness as a seam: the SDK core never picks a generator itself. A
// device passes its hardware RNG (or a generator seeded from something unique
// per device, such as its id and a boot counter): reconnect jitter only
// works if devices of a fleet draw different numbers.
#pragma once

#include <cstdint>

namespace edgehub::device {

struct RandomSource {
  void* context = nullptr;
  // Any 32-bit value, uniformly distributed.
  std::uint32_t (*next)(void* context) = nullptr;
};

// A tiny generator for devices without a hardware RNG (xorshift32, not for
// cryptography). The seed must differ per device; 0 is replaced by 1.
class Xorshift32 {
 public:
  explicit Xorshift32(std::uint32_t seed) noexcept : state_(seed == 0 ? 1U : seed) {}
  std::uint32_t next() noexcept {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }
  RandomSource source() noexcept {
    RandomSource source;
    source.context = this;
    source.next = [](void* context) { return static_cast<Xorshift32*>(context)->next(); };
    return source;
  }

 private:
  std::uint32_t state_;
};

}  // namespace edgehub::device

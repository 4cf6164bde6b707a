// Where the simulator's chance comes from: latencies, failures, jitter.
// A seam, so that tests can script the draws and check each decision.
#pragma once

#include <cstdint>

namespace edgehub::sim {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // 64 uniformly random bits.
  virtual std::uint64_t next() = 0;
};

// xoshiro256** seeded through splitmix64: 32 bytes of state. Every simulated
// device has its own; a Mersenne twister (mt19937_64) would cost 5 kB of
// state per device, a tenth of its memory budget at 10,000 devices.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) noexcept;
  std::uint64_t next() noexcept override;

  // A UniformRandomBitGenerator too, for <random>'s distributions.
  using result_type = std::uint64_t;
  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return ~result_type{0}; }
  result_type operator()() noexcept { return next(); }

 private:
  std::uint64_t state_[4];
};

// Uniform in [low, high] (low <= high), from one draw.
std::uint64_t uniform_between(RandomSource& random, std::uint64_t low, std::uint64_t high);

// True with the given probability (0: never, 1: always), from one draw.
bool chance(RandomSource& random, double probability);

// base +- jitter, uniform, never below 0, from one draw (none when jitter is 0).
std::uint64_t jittered(RandomSource& random, std::uint64_t base, std::uint64_t jitter);

}  // namespace edgehub::sim

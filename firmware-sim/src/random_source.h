// Where the simulator's chance comes from: latencies, failures, jitter.
// A seam, so that tests can script the draws and check each decision.
#pragma once

#include <cstdint>
#include <random>

namespace edgehub::sim {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // 64 uniformly random bits.
  virtual std::uint64_t next() = 0;
};

class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next() override { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// Uniform in [low, high] (low <= high), from one draw.
std::uint64_t uniform_between(RandomSource& random, std::uint64_t low, std::uint64_t high);

// True with the given probability (0: never, 1: always), from one draw.
bool chance(RandomSource& random, double probability);

// base +- jitter, uniform, never below 0, from one draw (none when jitter is 0).
std::uint64_t jittered(RandomSource& random, std::uint64_t base, std::uint64_t jitter);

}  // namespace edgehub::sim

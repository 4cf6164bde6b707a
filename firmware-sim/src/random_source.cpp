#include "random_source.h"

#include <limits>

namespace edgehub::sim {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) noexcept {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

}  // namespace

SeededRandom::SeededRandom(std::uint64_t seed) noexcept {
  for (std::uint64_t& word : state_) word = splitmix64(seed);
}

std::uint64_t SeededRandom::next() noexcept {
  const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

std::uint64_t uniform_between(RandomSource& random, std::uint64_t low, std::uint64_t high) {
  const std::uint64_t draw = random.next();
  if (low >= high) return low;
  const std::uint64_t span = high - low;
  if (span == std::numeric_limits<std::uint64_t>::max()) return draw;
  // The modulo bias is below 2^-40 for the spans a simulator uses.
  return low + draw % (span + 1);
}

bool chance(RandomSource& random, double probability) {
  const std::uint64_t draw = random.next();
  if (probability <= 0.0) return false;
  if (probability >= 1.0) return true;
  // The top 53 bits as a double in [0, 1).
  const double unit = static_cast<double>(draw >> 11) * 0x1.0p-53;
  return unit < probability;
}

std::uint64_t jittered(RandomSource& random, std::uint64_t base, std::uint64_t jitter) {
  if (jitter == 0) return base;
  const std::uint64_t low = base > jitter ? base - jitter : 0;
  return uniform_between(random, low, base + jitter);
}

}  // namespace edgehub::sim

#include "random_source.h"

#include <limits>

namespace edgehub::sim {

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

#include "latency_histogram.h"

#include <bit>
#include <cmath>

namespace edgehub::sim {

std::size_t latency_bucket(std::uint64_t microseconds) noexcept {
  if (microseconds < 16) return static_cast<std::size_t>(microseconds);
  const int exponent = std::bit_width(microseconds) - 1;  // >= 4
  if (exponent >= 32) return kLatencyBuckets - 1;
  const auto sub = static_cast<std::size_t>((microseconds >> (exponent - 3)) & 7U);
  return 16 + static_cast<std::size_t>(exponent - 4) * 8 + sub;
}

std::uint64_t latency_bucket_upper(std::size_t bucket) noexcept {
  if (bucket < 16) return bucket;
  if (bucket >= kLatencyBuckets - 1) return UINT64_MAX;
  const std::size_t exponent = (bucket - 16) / 8 + 4;
  const std::uint64_t sub = (bucket - 16) % 8;
  const std::uint64_t width = std::uint64_t{1} << (exponent - 3);
  return (std::uint64_t{8} + sub + 1) * width - 1;
}

std::uint64_t LatencyHistogram::total() const noexcept {
  std::uint64_t sum = 0;
  for (const std::uint64_t count : counts) sum += count;
  return sum;
}

std::uint64_t LatencyHistogram::percentile(double q) const noexcept {
  const std::uint64_t all = total();
  if (all == 0) return 0;
  // The rank of the q-quantile, 1-based: p99 of 100 values is the 99th.
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(all)));
  if (rank < 1) rank = 1;
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < counts.size(); ++bucket) {
    seen += counts[bucket];
    if (seen >= rank) return latency_bucket_upper(bucket);
  }
  return latency_bucket_upper(counts.size() - 1);
}

void LatencyHistogram::add(const LatencyHistogram& other) noexcept {
  for (std::size_t bucket = 0; bucket < counts.size(); ++bucket)
    counts[bucket] += other.counts[bucket];
}

LatencyHistogram LatencyHistogram::since(const LatencyHistogram& earlier) const noexcept {
  LatencyHistogram difference;
  for (std::size_t bucket = 0; bucket < counts.size(); ++bucket) {
    difference.counts[bucket] = counts[bucket] - earlier.counts[bucket];
  }
  return difference;
}

}  // namespace edgehub::sim

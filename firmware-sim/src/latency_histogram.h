// PUBACK latencies in fixed logarithmic buckets: recording one is an index
// computation and an increment (no allocation, no sorting), histograms of
// several workers or of two moments are merged or subtracted bucket by
// bucket, and a percentile is read with at most 12.5% relative error.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace edgehub::sim {

// Values 0..15 us have a bucket each; above, every power of two is split into
// 8 buckets; everything from 2^32 us (71 minutes) on shares the last one.
inline constexpr std::size_t kLatencyBuckets = 16 + (32 - 4) * 8 + 1;

std::size_t latency_bucket(std::uint64_t microseconds) noexcept;
// The largest value a bucket holds (what a percentile reports: never below
// the true value).
std::uint64_t latency_bucket_upper(std::size_t bucket) noexcept;

struct LatencyHistogram {
  std::array<std::uint64_t, kLatencyBuckets> counts{};

  void record(std::uint64_t microseconds) noexcept { ++counts[latency_bucket(microseconds)]; }
  std::uint64_t total() const noexcept;
  // The q-quantile (0 < q <= 1) in microseconds; 0 when empty.
  std::uint64_t percentile(double q) const noexcept;
  void add(const LatencyHistogram& other) noexcept;
  // What was recorded since earlier (a snapshot of the same histogram).
  LatencyHistogram since(const LatencyHistogram& earlier) const noexcept;
};

}  // namespace edgehub::sim

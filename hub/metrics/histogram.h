// A histogram with fixed bucket bounds, for a hot path: an observation is a
// short scan of the bounds and two relaxed atomic adds, no lock and no
// allocation. Bounds are chosen at construction (Prometheus cannot merge
// buckets that change). A snapshot taken while others observe may show the
// sum of a slightly different moment than the buckets; the count is always
// the +Inf bucket, so _count and le="+Inf" agree.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "metrics/metric_family.h"

namespace edgehub::hub {

class Histogram {
 public:
  // upper_bounds: finite, increasing (+Inf is implied); std::invalid_argument otherwise.
  explicit Histogram(std::vector<double> upper_bounds);

  void observe(double value) noexcept;
  // In seconds, the unit the format's conventions want for time.
  template <typename Rep, typename Period>
  void observe(std::chrono::duration<Rep, Period> elapsed) noexcept {
    observe(std::chrono::duration<double>(elapsed).count());
  }

  // Cumulative bucket counts, sum and count.
  HistogramSample snapshot(MetricLabels labels = {}) const;
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }

 private:
  std::vector<double> upper_bounds_;
  // Per bucket (not cumulative, so an observation touches one); the last is +Inf.
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

// Bounds for request-like latencies in seconds, from 0.5 ms to 60 s.
std::vector<double> latency_buckets_seconds();

}  // namespace edgehub::hub

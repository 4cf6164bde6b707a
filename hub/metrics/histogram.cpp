#include "metrics/histogram.h"

#include <cmath>
#include <stdexcept>

namespace edgehub::hub {

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1)) {
  for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
    if (!std::isfinite(upper_bounds_[i]) || (i > 0 && upper_bounds_[i] <= upper_bounds_[i - 1])) {
      throw std::invalid_argument("histogram bounds must be finite and increasing");
    }
  }
}

void Histogram::observe(double value) noexcept {
  // "le": a value equal to a bound belongs to that bound's bucket.
  std::size_t bucket = 0;
  while (bucket < upper_bounds_.size() && !(value <= upper_bounds_[bucket])) ++bucket;
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

HistogramSample Histogram::snapshot(MetricLabels labels) const {
  HistogramSample sample;
  sample.labels = std::move(labels);
  sample.upper_bounds = upper_bounds_;
  sample.bucket_counts.reserve(upper_bounds_.size());
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < upper_bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    sample.bucket_counts.push_back(cumulative);
  }
  sample.count = cumulative + buckets_[upper_bounds_.size()].load(std::memory_order_relaxed);
  sample.sum = sum_.load(std::memory_order_relaxed);
  return sample;
}

std::vector<double> latency_buckets_seconds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

}  // namespace edgehub::hub

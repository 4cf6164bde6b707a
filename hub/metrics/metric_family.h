// What a scrape reads: metric families with their samples, as plain values
// (no atomics), so that the text rendering (text_exposition.h) is a pure
// function of them and collectors can build them from any source. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgehub::hub {

enum class MetricType { counter, gauge, histogram };

const char* to_string(MetricType type) noexcept;

struct MetricLabel {
  std::string name;
  std::string value;
};
using MetricLabels = std::vector<MetricLabel>;

struct MetricSample {
  MetricLabels labels;
  double value = 0;
};

// One histogram series. bucket_counts[i] counts the observations <= upper_bounds[i]
// (cumulative, as the format wants); count is the +Inf bucket.
struct HistogramSample {
  MetricLabels labels;
  std::vector<double> upper_bounds;
  std::vector<std::uint64_t> bucket_counts;
  double sum = 0;
  std::uint64_t count = 0;
};

struct MetricFamily {
  std::string name;  // counters end in _total
  std::string help;
  MetricType type = MetricType::gauge;
  std::vector<MetricSample> samples;        // counter, gauge
  std::vector<HistogramSample> histograms;  // histogram
};

}  // namespace edgehub::hub

#include "metrics/metric_names.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace edgehub::hub {
namespace {

bool is_letter_or_underscore(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Status invalid(const MetricFamily& family, const std::string& what) {
  return make_error(ErrorCode::invalid_argument, "metric '" + family.name + "': " + what);
}

Status check_labels(const MetricFamily& family, const MetricLabels& labels) {
  for (const MetricLabel& label : labels) {
    if (!is_valid_label_name(label.name))
      return invalid(family, "bad label name '" + label.name + "'");
    if (family.type == MetricType::histogram && label.name == "le") {
      return invalid(family, "the label 'le' is the histogram's own");
    }
  }
  return ok_status();
}

}  // namespace

const char* to_string(MetricType type) noexcept {
  switch (type) {
    case MetricType::counter:
      return "counter";
    case MetricType::gauge:
      return "gauge";
    case MetricType::histogram:
      return "histogram";
  }
  return "untyped";
}

bool is_valid_metric_name(std::string_view name) noexcept {
  if (name.empty() || !(is_letter_or_underscore(name.front()) || name.front() == ':')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_letter_or_underscore(c) || is_digit(c) || c == ':'; });
}

bool is_valid_label_name(std::string_view name) noexcept {
  if (name.empty() || !is_letter_or_underscore(name.front()) || name.starts_with("__")) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return is_letter_or_underscore(c) || is_digit(c); });
}

Status check_metric_family(const MetricFamily& family) {
  if (!is_valid_metric_name(family.name)) return invalid(family, "not a valid metric name");
  if (family.type == MetricType::counter && !family.name.ends_with("_total")) {
    return invalid(family, "a counter's name ends in _total");
  }
  if (family.type != MetricType::histogram && !family.histograms.empty()) {
    return invalid(family, "histogram series in a family that is not a histogram");
  }
  if (family.type == MetricType::histogram && !family.samples.empty()) {
    return invalid(family, "plain samples in a histogram family");
  }
  for (const MetricSample& sample : family.samples) {
    if (Status labels = check_labels(family, sample.labels); !labels) return labels;
  }
  for (const HistogramSample& histogram : family.histograms) {
    if (Status labels = check_labels(family, histogram.labels); !labels) return labels;
    if (histogram.bucket_counts.size() != histogram.upper_bounds.size()) {
      return invalid(family, "one bucket count per upper bound is needed");
    }
    for (std::size_t i = 0; i < histogram.upper_bounds.size(); ++i) {
      if (!std::isfinite(histogram.upper_bounds[i]) ||
          (i > 0 && histogram.upper_bounds[i] <= histogram.upper_bounds[i - 1])) {
        return invalid(family, "bucket bounds must be finite and increasing (+Inf is implied)");
      }
    }
  }
  return ok_status();
}

}  // namespace edgehub::hub

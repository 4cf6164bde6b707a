// The metrics one process exposes: counters and histograms it owns (updated
// on hot paths, lock-free) and collectors that read values kept elsewhere at
// scrape time (the health counters, the databases' sizes), so that nothing
// is counted twice. Registration takes a lock and happens at start-up;
// collect() and render() may run on any thread at any time.
//
// Error policy: a family that breaks the naming rules (metric_names.h) or a
// name registered twice is a bug: std::logic_error, at registration for
// owned metrics, at scrape for collected ones.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/counter.h"
#include "metrics/histogram.h"
#include "metrics/metric_family.h"

namespace edgehub::hub {

class MetricsRegistry {
 public:
  using Collector = std::function<std::vector<MetricFamily>()>;

  // The references stay valid as long as the registry.
  Counter& counter(std::string name, std::string help);
  Histogram& histogram(std::string name, std::string help, std::vector<double> upper_bounds);
  void add_collector(Collector collector);

  // Owned metrics first (in registration order), then each collector's.
  std::vector<MetricFamily> collect() const;
  // collect() in the text exposition format (text_exposition.h).
  std::string render() const;

 private:
  struct Owned {
    std::string name;
    std::string help;
    MetricType type;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Histogram> histogram;
  };
  void check_new_name(const MetricFamily& family) const;

  mutable std::mutex mutex_;
  std::deque<Owned> owned_;
  std::vector<Collector> collectors_;
};

}  // namespace edgehub::hub

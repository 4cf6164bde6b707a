#include "metrics/metrics_registry.h"

#include <set>
#include <stdexcept>

#include "metrics/metric_names.h"
#include "metrics/text_exposition.h"

namespace edgehub::hub {

void MetricsRegistry::check_new_name(const MetricFamily& family) const {
  if (Status valid = check_metric_family(family); !valid) {
    throw std::logic_error(valid.error().message);
  }
  for (const Owned& owned : owned_) {
    if (owned.name == family.name) {
      throw std::logic_error("metric '" + family.name + "' is registered twice");
    }
  }
}

Counter& MetricsRegistry::counter(std::string name, std::string help) {
  std::lock_guard lock(mutex_);
  check_new_name(MetricFamily{name, help, MetricType::counter, {}, {}});
  owned_.push_back(Owned{std::move(name), std::move(help), MetricType::counter,
                         std::make_unique<Counter>(), nullptr});
  return *owned_.back().counter;
}

Histogram& MetricsRegistry::histogram(std::string name, std::string help,
                                      std::vector<double> upper_bounds) {
  std::lock_guard lock(mutex_);
  check_new_name(MetricFamily{name, help, MetricType::histogram, {}, {}});
  owned_.push_back(Owned{std::move(name), std::move(help), MetricType::histogram, nullptr,
                         std::make_unique<Histogram>(std::move(upper_bounds))});
  return *owned_.back().histogram;
}

void MetricsRegistry::add_collector(Collector collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::vector<MetricFamily> MetricsRegistry::collect() const {
  std::vector<MetricFamily> families;
  std::vector<Collector> collectors;
  {
    std::lock_guard lock(mutex_);
    for (const Owned& owned : owned_) {
      MetricFamily family{owned.name, owned.help, owned.type, {}, {}};
      if (owned.counter)
        family.samples.push_back({{}, static_cast<double>(owned.counter->value())});
      if (owned.histogram) family.histograms.push_back(owned.histogram->snapshot());
      families.push_back(std::move(family));
    }
    collectors = collectors_;
  }
  // Outside the lock: a collector may take a while (file sizes, a query).
  std::set<std::string> names;
  for (const MetricFamily& family : families) names.insert(family.name);
  for (const Collector& collector : collectors) {
    for (MetricFamily& family : collector()) {
      if (Status valid = check_metric_family(family); !valid) {
        throw std::logic_error(valid.error().message);
      }
      if (!names.insert(family.name).second) {
        throw std::logic_error("metric '" + family.name + "' is collected twice");
      }
      families.push_back(std::move(family));
    }
  }
  return families;
}

std::string MetricsRegistry::render() const { return render_text_exposition(collect()); }

}  // namespace edgehub::hub

#include "metrics/metrics_registry.h"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace edgehub::hub;

TEST_CASE("registry_renders_owned_metrics_then_collected_ones") {
  MetricsRegistry registry;
  Counter& requests = registry.counter("edgehub_requests_total", "Requests");
  Histogram& latency = registry.histogram("edgehub_latency_seconds", "Latency", {0.5, 1});
  registry.add_collector([] {
    return std::vector<MetricFamily>{
        {"edgehub_devices_connected", "Devices", MetricType::gauge, {{{}, 7}}, {}}};
  });
  requests.increment();
  requests.increment(2);
  latency.observe(0.75);
  CHECK(registry.render() ==
        "# HELP edgehub_requests_total Requests\n"
        "# TYPE edgehub_requests_total counter\n"
        "edgehub_requests_total 3\n"
        "# HELP edgehub_latency_seconds Latency\n"
        "# TYPE edgehub_latency_seconds histogram\n"
        "edgehub_latency_seconds_bucket{le=\"0.5\"} 0\n"
        "edgehub_latency_seconds_bucket{le=\"1\"} 1\n"
        "edgehub_latency_seconds_bucket{le=\"+Inf\"} 1\n"
        "edgehub_latency_seconds_sum 0.75\n"
        "edgehub_latency_seconds_count 1\n"
        "# HELP edgehub_devices_connected Devices\n"
        "# TYPE edgehub_devices_connected gauge\n"
        "edgehub_devices_connected 7\n");
}

TEST_CASE("registry_refuses_bad_names_and_a_name_twice") {
  MetricsRegistry registry;
  registry.counter("edgehub_a_total", "A");
  CHECK_THROWS_AS(registry.counter("edgehub_a_total", "again"), std::logic_error);
  CHECK_THROWS_AS(registry.counter("edgehub_b", "no _total"), std::logic_error);
  CHECK_THROWS_AS(registry.histogram("edgehub c", "space", {1}), std::logic_error);

  registry.add_collector([] {
    return std::vector<MetricFamily>{{"edgehub_a_total", "same name", MetricType::counter, {}, {}}};
  });
  CHECK_THROWS_AS(registry.collect(), std::logic_error);
}

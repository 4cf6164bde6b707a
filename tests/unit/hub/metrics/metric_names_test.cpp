#include "metrics/metric_names.h"

#include <doctest/doctest.h>

using namespace edgehub::hub;

TEST_CASE("metric_names_follow_the_prometheus_data_model") {
  CHECK(is_valid_metric_name("edgehub_telemetry_stored_total"));
  CHECK(is_valid_metric_name("job:rate5m"));
  CHECK_FALSE(is_valid_metric_name(""));
  CHECK_FALSE(is_valid_metric_name("9lives"));
  CHECK_FALSE(is_valid_metric_name("edgehub-telemetry"));
  CHECK(is_valid_label_name("state"));
  CHECK_FALSE(is_valid_label_name("__name__"));
  CHECK_FALSE(is_valid_label_name("a:b"));
  CHECK_FALSE(is_valid_label_name("1st"));
}

TEST_CASE("check_metric_family_wants_total_on_counters_and_no_le_label_on_histograms") {
  CHECK(check_metric_family({"edgehub_x_total", "h", MetricType::counter, {}, {}}).ok());
  CHECK_FALSE(check_metric_family({"edgehub_x", "h", MetricType::counter, {}, {}}).ok());
  CHECK(check_metric_family({"edgehub_x", "h", MetricType::gauge, {{{{"le", "1"}}, 1}}, {}}).ok());
  const HistogramSample with_le{{{"le", "1"}}, {1}, {0}, 0, 0};
  CHECK_FALSE(check_metric_family({"edgehub_h", "h", MetricType::histogram, {}, {with_le}}).ok());
  const HistogramSample unordered{{}, {2, 1}, {0, 0}, 0, 0};
  CHECK_FALSE(check_metric_family({"edgehub_h", "h", MetricType::histogram, {}, {unordered}}).ok());
  const HistogramSample short_counts{{}, {1, 2}, {0}, 0, 0};
  CHECK_FALSE(
      check_metric_family({"edgehub_h", "h", MetricType::histogram, {}, {short_counts}}).ok());
  const auto bad_label =
      check_metric_family({"edgehub_g", "h", MetricType::gauge, {{{{"bad-name", "v"}}, 1}}, {}});
  REQUIRE_FALSE(bad_label.ok());
  CHECK(bad_label.error().message.find("bad-name") != std::string::npos);
}

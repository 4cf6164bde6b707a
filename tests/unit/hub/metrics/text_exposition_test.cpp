// The rendering against the rules of the text format 0.0.4
// (prometheus.io/docs/instrumenting/exposition_formats).
#include "metrics/text_exposition.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

using namespace edgehub::hub;

TEST_CASE("label_values_escape_backslash_quote_and_line_feed_only") {
  CHECK(escape_label_value(R"(C:\dir "x")") == R"(C:\\dir \"x\")");
  CHECK(escape_label_value("a\nb") == "a\\nb");
  CHECK(escape_label_value("tab\there ünïcode") == "tab\there ünïcode");
}

TEST_CASE("help_text_escapes_backslash_and_line_feed_but_not_quotes") {
  CHECK(escape_help_text("say \"hi\"\\\nbye") == "say \"hi\"\\\\\\nbye");
}

TEST_CASE("values_are_integers_where_exact_and_the_special_values_are_spelled_out") {
  CHECK(format_metric_value(0) == "0");
  CHECK(format_metric_value(1000000) == "1000000");
  CHECK(format_metric_value(-3) == "-3");
  CHECK(format_metric_value(0.25) == "0.25");
  CHECK(format_metric_value(0.0005) == "0.0005");
  CHECK(format_metric_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_metric_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_metric_value(std::nan("")) == "NaN");
  CHECK(format_metric_value(0.1) == "0.1");
  CHECK(format_metric_value(2.5e-7) == "2.5e-07");
  CHECK(format_metric_value(1e20) == "1e+20");
}

TEST_CASE("samples_carry_their_labels_in_order_with_escaped_values") {
  const std::vector<MetricFamily> families{
      {"edgehub_commands",
       "Commands by state\nsecond line",
       MetricType::gauge,
       {{{{"state", "queued"}}, 2}, {{{"state", "timed-out"}, {"note", "a \"b\" \\c"}}, 0}},
       {}}};
  CHECK(render_text_exposition(families) ==
        "# HELP edgehub_commands Commands by state\\nsecond line\n"
        "# TYPE edgehub_commands gauge\n"
        "edgehub_commands{state=\"queued\"} 2\n"
        "edgehub_commands{state=\"timed-out\",note=\"a \\\"b\\\" \\\\c\"} 0\n");
}

TEST_CASE("a_histogram_has_cumulative_buckets_ending_in_inf_then_sum_and_count") {
  HistogramSample sample;
  sample.labels = {{"path", "x"}};
  sample.upper_bounds = {0.005, 0.5};
  sample.bucket_counts = {1, 3};
  sample.count = 4;
  sample.sum = 2.25;
  const std::vector<MetricFamily> families{
      {"edgehub_rtt_seconds", "Round trip", MetricType::histogram, {}, {sample}}};
  CHECK(render_text_exposition(families) ==
        "# HELP edgehub_rtt_seconds Round trip\n"
        "# TYPE edgehub_rtt_seconds histogram\n"
        "edgehub_rtt_seconds_bucket{path=\"x\",le=\"0.005\"} 1\n"
        "edgehub_rtt_seconds_bucket{path=\"x\",le=\"0.5\"} 3\n"
        "edgehub_rtt_seconds_bucket{path=\"x\",le=\"+Inf\"} 4\n"
        "edgehub_rtt_seconds_sum{path=\"x\"} 2.25\n"
        "edgehub_rtt_seconds_count{path=\"x\"} 4\n");
}

TEST_CASE("a_family_without_samples_still_declares_its_help_and_type") {
  const std::vector<MetricFamily> families{
      {"edgehub_limit_hits_total", "Hits", MetricType::counter, {}, {}}};
  CHECK(render_text_exposition(families) ==
        "# HELP edgehub_limit_hits_total Hits\n# TYPE edgehub_limit_hits_total counter\n");
}

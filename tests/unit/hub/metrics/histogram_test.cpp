#include "metrics/histogram.h"

#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace edgehub::hub;
using namespace std::chrono_literals;

TEST_CASE("histogram_buckets_are_cumulative_and_a_value_on_a_bound_counts_in_that_bucket") {
  Histogram histogram({0.1, 1, 10});
  histogram.observe(0.05);
  histogram.observe(0.1);  // le="0.1": on the bound
  histogram.observe(0.5);
  histogram.observe(100);  // only +Inf
  const HistogramSample sample = histogram.snapshot();
  CHECK(sample.upper_bounds == std::vector<double>{0.1, 1, 10});
  CHECK(sample.bucket_counts == std::vector<std::uint64_t>{2, 3, 3});
  CHECK(sample.count == 4);
  CHECK(sample.sum == doctest::Approx(100.65));
}

TEST_CASE("histogram_observes_durations_in_seconds") {
  Histogram histogram({0.001, 0.01});
  histogram.observe(2500us);
  histogram.observe(std::chrono::milliseconds(0));
  const HistogramSample sample = histogram.snapshot({{"kind", "x"}});
  CHECK(sample.bucket_counts == std::vector<std::uint64_t>{1, 2});
  CHECK(sample.sum == doctest::Approx(0.0025));
  REQUIRE(sample.labels.size() == 1);
  CHECK(sample.labels[0].value == "x");
}

TEST_CASE("histogram_refuses_bounds_that_do_not_increase") {
  CHECK_THROWS_AS(Histogram({1, 1}), std::invalid_argument);
  CHECK_THROWS_AS(Histogram({2, 1}), std::invalid_argument);
  CHECK_THROWS_AS(Histogram({1, std::numeric_limits<double>::infinity()}), std::invalid_argument);
}

TEST_CASE("histogram_loses_no_observation_from_concurrent_threads") {
  Histogram histogram(latency_buckets_seconds());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&histogram] {
      for (int i = 0; i < 10000; ++i) histogram.observe(0.002);
    });
  }
  for (std::thread& thread : threads) thread.join();
  const HistogramSample sample = histogram.snapshot();
  CHECK(sample.count == 40000);
  CHECK(sample.sum == doctest::Approx(80.0));
}

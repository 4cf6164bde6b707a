// PUBACK latency histogram: fixed log buckets, percentiles, merging.
#include "latency_histogram.h"

#include <doctest/doctest.h>

using namespace edgehub::sim;

TEST_CASE("small values have a bucket each; larger ones are within 12.5 percent") {
  for (std::uint64_t us = 0; us < 16; ++us) CHECK(latency_bucket_upper(latency_bucket(us)) == us);
  for (std::uint64_t us :
       {16ULL, 17ULL, 100ULL, 999ULL, 1000ULL, 12'345ULL, 1'000'000ULL, 4'000'000'000ULL}) {
    const std::uint64_t upper = latency_bucket_upper(latency_bucket(us));
    CHECK(upper >= us);
    CHECK(static_cast<double>(upper) <= static_cast<double>(us) * 1.125);
  }
}

TEST_CASE("buckets grow with the value and the last one takes everything beyond") {
  std::size_t previous = 0;
  for (std::uint64_t us = 1; us < (std::uint64_t{1} << 32); us = us * 3 / 2 + 1) {
    CHECK(latency_bucket(us) >= previous);
    previous = latency_bucket(us);
  }
  CHECK(latency_bucket(std::uint64_t{1} << 40) == kLatencyBuckets - 1);
  CHECK(latency_bucket(UINT64_MAX) == kLatencyBuckets - 1);
}

TEST_CASE("p50 and p99 of a known distribution") {
  LatencyHistogram histogram;
  for (int i = 0; i < 98; ++i) histogram.record(1'000);  // 1 ms
  histogram.record(50'000);                              // 50 ms
  histogram.record(200'000);                             // 200 ms
  CHECK(histogram.total() == 100);
  CHECK(histogram.percentile(0.50) == latency_bucket_upper(latency_bucket(1'000)));
  // The 99th of 100 values is the 50 ms one, the maximum the 200 ms one.
  CHECK(histogram.percentile(0.99) == latency_bucket_upper(latency_bucket(50'000)));
  CHECK(histogram.percentile(1.0) == latency_bucket_upper(latency_bucket(200'000)));
}

TEST_CASE("an empty histogram has no percentile") {
  CHECK(LatencyHistogram{}.percentile(0.99) == 0);
}

TEST_CASE("merging workers and taking the last second's difference") {
  LatencyHistogram first, second;
  first.record(100);
  second.record(100);
  second.record(10'000);
  LatencyHistogram fleet;
  fleet.add(first);
  fleet.add(second);
  CHECK(fleet.total() == 3);
  LatencyHistogram later = fleet;
  later.record(5'000'000);
  const LatencyHistogram window = later.since(fleet);
  CHECK(window.total() == 1);
  CHECK(window.percentile(0.5) >= 5'000'000);
}

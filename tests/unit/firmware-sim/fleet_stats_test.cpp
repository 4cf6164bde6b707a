// Live statistics: rates between two snapshots, the stats line, JSON lines,
// ramp-up progress and the summary.
#include "fleet_stats.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace edgehub::sim;

namespace {

FleetSnapshot at(std::uint64_t ms) {
  FleetSnapshot snapshot;
  snapshot.at_ms = ms;
  snapshot.devices = 1000;
  return snapshot;
}

}  // namespace

TEST_CASE("rates are the difference of two snapshots over the time between them") {
  FleetSnapshot earlier = at(10'000);
  earlier.sent = 100;
  earlier.acked = 90;
  earlier.connects = 10;
  earlier.puback_latency.record(900'000);  // before the window: not in its p99
  FleetSnapshot later = at(12'000);
  later.sent = 2'100;
  later.acked = 1'090;
  later.connects = 510;
  later.puback_latency = earlier.puback_latency;
  for (int i = 0; i < 100; ++i) later.puback_latency.record(2'000);
  const FleetRates rates = rates_between(earlier, later);
  CHECK(rates.seconds == doctest::Approx(2.0));
  CHECK(rates.sent_per_s == doctest::Approx(1000.0));
  CHECK(rates.acked_per_s == doctest::Approx(500.0));
  CHECK(rates.connects_per_s == doctest::Approx(250.0));
  CHECK(rates.puback_samples == 100);
  CHECK(rates.puback_p99_us >= 2'000);
  CHECK(rates.puback_p99_us < 2'300);
}

TEST_CASE("no time between the snapshots gives no rate rather than a division by zero") {
  FleetSnapshot later = at(5'000);
  later.sent = 10;
  const FleetRates rates = rates_between(at(5'000), later);
  CHECK(rates.sent_per_s == 0);
}

TEST_CASE("the stats line names states, rates, latency, commands and errors by kind") {
  FleetSnapshot now = at(3'000);
  now.gauges = {980, 15, 5, 0};
  now.commands_answered = 12;
  now.errors = 3;
  now.errors_by_kind[static_cast<std::size_t>(ErrorKind::connect_timeout)] = 3;
  FleetRates rates;
  rates.sent_per_s = 975.4;
  rates.acked_per_s = 970;
  rates.puback_samples = 970;
  rates.puback_p50_us = 1'200;
  rates.puback_p99_us = 16'400;
  CHECK(stats_line(now, rates) ==
        "stats: 980 connected, 15 connecting, 5 offline, 0 done | telemetry 975/s sent, 970/s "
        "acked, PUBACK p50 1.2 ms p99 16 ms | commands answered 12 | errors 3 "
        "(connect_timeout 3)");
  rates.puback_samples = 0;
  now.errors = 0;
  now.errors_by_kind = {};
  CHECK(stats_line(now, rates).find("PUBACK") == std::string::npos);
  CHECK(stats_line(now, rates).ends_with("errors 0"));
}

TEST_CASE("the stats JSON line carries the same figures") {
  FleetSnapshot now = at(4'500);
  now.gauges = {7, 2, 1, 0};
  now.sent = 40;
  now.acked = 38;
  now.errors = 1;
  now.errors_by_kind[static_cast<std::size_t>(ErrorKind::connection_lost)] = 1;
  FleetRates rates;
  rates.sent_per_s = 10;
  rates.acked_per_s = 9.5;
  rates.puback_p50_us = 800;
  rates.puback_p99_us = 3'000;
  const auto json = nlohmann::json::parse(stats_json(now, rates, 2'000));
  CHECK(json["type"] == "stats");
  CHECK(json["elapsed_s"].get<double>() == doctest::Approx(2.5));
  CHECK(json["connected"] == 7);
  CHECK(json["connecting"] == 2);
  CHECK(json["offline"] == 1);
  CHECK(json["acked_per_s"].get<double>() == doctest::Approx(9.5));
  CHECK(json["puback_p50_ms"].get<double>() == doctest::Approx(0.8));
  CHECK(json["puback_p99_ms"].get<double>() == doctest::Approx(3.0));
  CHECK(json["acked"] == 38);
  CHECK(json["errors_by_kind"]["connection_lost"] == 1);
  CHECK(json["errors_by_kind"]["connect_refused"] == 0);
}

TEST_CASE("ramp-up progress: connected of all, rate and time left") {
  FleetSnapshot now = at(1'000);
  now.devices = 10'000;
  now.gauges.connected = 3'200;
  FleetRates rates;
  rates.connects_per_s = 800;
  const RampProgress progress = ramp_progress(now, rates);
  REQUIRE(progress.eta_s);
  CHECK(*progress.eta_s == doctest::Approx(8.5));
  CHECK(progress_line(progress) == "ramp-up: connected 3200 of 10000 (800/s), ETA 9 s");
  const auto json = nlohmann::json::parse(progress_json(progress, 3'000, 1'000));
  CHECK(json["type"] == "progress");
  CHECK(json["connected"] == 3200);
  CHECK(json["devices"] == 10000);
  CHECK(json["eta_s"].get<double>() == doctest::Approx(8.5));

  rates.connects_per_s = 0;  // nothing connecting (broker down): no guess
  const RampProgress stalled = ramp_progress(now, rates);
  CHECK_FALSE(stalled.eta_s);
  CHECK(progress_line(stalled).ends_with("ETA unknown"));
  CHECK(nlohmann::json::parse(progress_json(stalled, 3'000, 1'000))["eta_s"].is_null());
}

TEST_CASE("the summary keeps the old keys first and adds the run's rates and latency") {
  FleetSnapshot start = at(0);
  FleetSnapshot end = at(10'000);
  end.sent = 5'000;
  end.acked = 5'000;
  end.gauges.done = 1000;
  for (int i = 0; i < 10; ++i) end.puback_latency.record(4'000);
  const auto summary = nlohmann::ordered_json::parse(summary_json(start, end));
  CHECK(summary.begin().key() == "devices");
  CHECK(summary["sent"] == 5000);
  CHECK(summary["acked_per_s"].get<double>() == doctest::Approx(500.0));
  CHECK(summary["puback_p50_ms"].get<double>() >= 4.0);
  CHECK(summary["done"] == 1000);
  CHECK(summary.contains("flow_resumed"));
  CHECK_FALSE(summary.contains("type"));
  CHECK(nlohmann::json::parse(summary_json(start, end, true))["type"] == "summary");
}

TEST_CASE("workers' counters are summed into one snapshot") {
  FleetCounters first, second;
  first.sent = 3;
  second.sent = 4;
  first.count_error(ErrorKind::protocol);
  second.count_error(ErrorKind::protocol);
  second.record_puback_latency(1'000);
  first.set_gauges({2, 1, 0, 0});
  second.set_gauges({5, 0, 1, 0});
  FleetSnapshot snapshot;
  accumulate(snapshot, first);
  accumulate(snapshot, second);
  CHECK(snapshot.sent == 7);
  CHECK(snapshot.errors == 2);
  CHECK(snapshot.errors_by_kind[static_cast<std::size_t>(ErrorKind::protocol)] == 2);
  CHECK(snapshot.gauges.connected == 7);
  CHECK(snapshot.gauges.connecting == 1);
  CHECK(snapshot.gauges.offline == 1);
  CHECK(snapshot.puback_latency.total() == 1);
}

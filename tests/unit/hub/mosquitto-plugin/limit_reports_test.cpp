#include "mosquitto-plugin/limit_reports.h"

#include <doctest/doctest.h>

using namespace edgehub::hub::mosquitto_auth;
using std::chrono::seconds;

namespace {
const SteadyTime kStart{seconds(500)};
const LimitHit kFlood{DeviceLimit::messages_per_second, "over 200 messages/s (burst 2000)"};
}  // namespace

TEST_CASE(
    "the first hit is reported at once; more in the window only counted, then reported "
    "together when it ends") {
  LimitReports reports(seconds(60));
  const auto first = reports.hit("d1", kFlood, kStart);
  REQUIRE(first.has_value());
  CHECK(first->device_id == "d1");
  CHECK(first->hits == 1);
  CHECK(first->reason == kFlood.reason);
  for (int i = 1; i <= 500; ++i) CHECK_FALSE(reports.hit("d1", kFlood, kStart + seconds(i % 59)));
  CHECK(reports.due(kStart + seconds(59)).empty());
  const auto due = reports.due(kStart + seconds(60));
  REQUIRE(due.size() == 1);
  CHECK(due[0].hits == 500);
  CHECK(due[0].limit == DeviceLimit::messages_per_second);
  // Nothing more: the pair is forgotten after a quiet window.
  CHECK(reports.due(kStart + seconds(120)).empty());
  CHECK(reports.hit("d1", kFlood, kStart + seconds(121))->hits == 1);
}

TEST_CASE("devices and limits have windows of their own") {
  LimitReports reports(seconds(60));
  CHECK(reports.hit("d1", kFlood, kStart).has_value());
  CHECK(reports.hit("d2", kFlood, kStart).has_value());
  CHECK(reports.hit("d1", LimitHit{DeviceLimit::retained, "retained"}, kStart).has_value());
  CHECK(reports.hit("", LimitHit{DeviceLimit::connect_timeout, "slow"}, kStart).has_value());
  CHECK_FALSE(reports.hit("d1", kFlood, kStart).has_value());
}

TEST_CASE(
    "a device looping over a limit for ten minutes costs at most 2 reports per minute and "
    "every hit is counted") {
  LimitReports reports(seconds(60));
  std::uint64_t reported_hits = 0;
  int reports_sent = 0;
  for (int second = 0; second < 600; ++second) {
    for (int i = 0; i < 10; ++i) {
      if (auto report = reports.hit("loop", kFlood, kStart + seconds(second))) {
        reported_hits += report->hits;
        ++reports_sent;
      }
    }
    for (const LimitReport& report : reports.due(kStart + seconds(second))) {
      reported_hits += report.hits;
      ++reports_sent;
    }
  }
  for (const LimitReport& report : reports.due(kStart + seconds(700))) {
    reported_hits += report.hits;
    ++reports_sent;
  }
  CHECK(reported_hits == 6000);
  CHECK(reports_sent <= 2 * 10 + 1);
}

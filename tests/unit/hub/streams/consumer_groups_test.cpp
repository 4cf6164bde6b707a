// Consumers: read by timestamp, consumer group commits, waiting for records.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "stream_fixtures.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

#define STREAM_FIXTURES edgehub::test::SqliteStoreFixture, edgehub::test::MemoryStoreFixture

namespace {

NewRecord at(std::int64_t received_at_ms, std::uint64_t seq) {
  NewRecord record = test::telemetry("d1", seq);
  record.received_at_ms = received_at_ms;
  return record;
}

}  // namespace

TEST_CASE_TEMPLATE("offset_at_time finds the first record received at or after the time", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  for (std::uint64_t i = 0; i < 5; ++i) {
    REQUIRE(f.store->append(at(1000 + static_cast<std::int64_t>(i) * 10, i + 1)).ok());
  }
  CHECK(*f.store->offset_at_time(kTelemetryStream, 0) == 0);
  CHECK(*f.store->offset_at_time(kTelemetryStream, 1020) == 2);
  CHECK(*f.store->offset_at_time(kTelemetryStream, 1021) == 3);
  CHECK(*f.store->offset_at_time(kTelemetryStream, 5000) == 5);  // none: the next offset
  CHECK(f.store->offset_at_time("missing", 0).error().code == ErrorCode::not_found);
}

TEST_CASE_TEMPLATE("a consumer group's commit is kept per stream and can be listed", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  for (std::uint64_t seq = 1; seq <= 3; ++seq) REQUIRE(f.store->append(at(1, seq)).ok());
  const auto none = f.store->committed_offset("billing", kTelemetryStream);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  REQUIRE(f.store->commit_offset("billing", kTelemetryStream, 2, 77).ok());
  REQUIRE(f.store->commit_offset("alerts", kTelemetryStream, 3, 78).ok());
  const auto committed = f.store->committed_offset("billing", kTelemetryStream);
  REQUIRE(committed.ok());
  REQUIRE(committed->has_value());
  CHECK((*committed)->committed_offset == 2);
  CHECK((*committed)->updated_at_ms == 77);
  const auto groups = f.store->consumer_groups(kTelemetryStream);
  REQUIRE(groups.ok());
  REQUIRE(groups->size() == 2);
  CHECK(groups->at(0).group == "alerts");
  CHECK(groups->at(1).group == "billing");
  // Beyond the end, bad names and unknown streams are refused.
  CHECK(f.store->commit_offset("billing", kTelemetryStream, 4, 1).error().code ==
        ErrorCode::invalid_argument);
  CHECK(f.store->commit_offset("bad group", kTelemetryStream, 1, 1).error().code ==
        ErrorCode::invalid_argument);
  CHECK(f.store->commit_offset("billing", "missing", 0, 1).error().code == ErrorCode::not_found);
}

TEST_CASE("a commit survives reopening the SQLite store") {
  test::TempDirectory directory;
  const auto file = directory.path() / "streams.db";
  {
    auto store = SqliteStreamStore::open(file);
    REQUIRE(store->append(at(1, 1)).ok());
    REQUIRE(store->commit_offset("billing", kTelemetryStream, 1, 5).ok());
  }
  auto store = SqliteStreamStore::open(file);
  const auto committed = store->committed_offset("billing", kTelemetryStream);
  REQUIRE(committed.ok());
  REQUIRE(committed->has_value());
  CHECK((*committed)->committed_offset == 1);
}

TEST_CASE_TEMPLATE("a waiting reader wakes when a record is appended", Fixture, STREAM_FIXTURES) {
  Fixture f;
  REQUIRE(f.store->ensure_stream(kTelemetryStream, 0).ok());
  CHECK_FALSE(f.store->wait_for_records(kTelemetryStream, 0, 20ms));
  const auto started = std::chrono::steady_clock::now();
  std::thread appender([&] {
    std::this_thread::sleep_for(50ms);
    REQUIRE(f.store->append(at(1, 1)).ok());
  });
  const bool woken = f.store->wait_for_records(kTelemetryStream, 0, 10s);
  appender.join();
  CHECK(woken);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  // A record below from_offset does not count.
  CHECK_FALSE(f.store->wait_for_records(kTelemetryStream, 1, 20ms));
}

TEST_CASE_TEMPLATE("interrupt_waits ends waits at once", Fixture, STREAM_FIXTURES) {
  Fixture f;
  std::thread interrupter([&] {
    std::this_thread::sleep_for(50ms);
    f.store->interrupt_waits();
  });
  const auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(f.store->wait_for_records(kTelemetryStream, 0, 10s));
  interrupter.join();
  CHECK(std::chrono::steady_clock::now() - started < 5s);
}

// Retention and the full-stream policy, against both StreamStore
// implementations: what is deleted is exactly what the policy says, oldest
// first, and offsets are never reused.
#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <vector>

#include "clock/clock.h"
#include "stream_fixtures.h"

using namespace edgehub;
using namespace edgehub::hub;

#define STREAM_FIXTURES edgehub::test::SqliteStoreFixture, edgehub::test::MemoryStoreFixture

namespace {

NewRecord record_at(std::string stream, std::int64_t received_at_ms, std::uint64_t seq,
                    std::string payload = "1234567890") {
  NewRecord record = test::telemetry("d1", seq, std::move(payload));
  record.stream = std::move(stream);
  record.received_at_ms = received_at_ms;
  return record;
}

std::vector<std::uint64_t> retained_offsets(StreamStore& store, std::string_view stream) {
  std::vector<std::uint64_t> offsets;
  const auto records = store.read(stream, 0, 100000);
  REQUIRE(records.ok());
  for (const StreamRecord& record : *records) offsets.push_back(record.offset);
  return offsets;
}

}  // namespace

TEST_CASE_TEMPLATE("max_records keeps exactly the newest records, offsets moving on", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  RetentionPolicy policy;
  policy.max_records = 3;
  REQUIRE(f.store->create_stream("s", policy, 0).ok());
  for (std::uint64_t seq = 1; seq <= 7; ++seq) REQUIRE(f.store->append(record_at("s", 1, seq)).ok());
  CHECK(retained_offsets(*f.store, "s") == std::vector<std::uint64_t>{4, 5, 6});
  const auto info = f.store->stream_info("s");
  REQUIRE(info.ok());
  CHECK(info->first_offset == 4);
  CHECK(info->next_offset == 7);
  CHECK(info->record_count == 3);
  CHECK(info->total_bytes == 30);
}

TEST_CASE_TEMPLATE("max_bytes counts payload bytes and deletes the fewest oldest records", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  RetentionPolicy policy;
  policy.max_bytes = 25;
  REQUIRE(f.store->create_stream("s", policy, 0).ok());
  REQUIRE(f.store->append(record_at("s", 1, 1, "aaaaaaaaaa")).ok());  // 10
  REQUIRE(f.store->append(record_at("s", 1, 2, "bbbbb")).ok());       // 5
  REQUIRE(f.store->append(record_at("s", 1, 3, "cccccccccc")).ok());  // 10 -> 25 total
  CHECK(retained_offsets(*f.store, "s") == std::vector<std::uint64_t>{0, 1, 2});
  REQUIRE(f.store->append(record_at("s", 1, 4, "dd")).ok());  // 27 > 25: offset 0 goes
  CHECK(retained_offsets(*f.store, "s") == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(f.store->stream_info("s")->total_bytes == 17);
  // A record larger than the whole stream can never fit.
  const auto huge = f.store->append(record_at("s", 1, 5, std::string(26, 'x')));
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().code == ErrorCode::too_large);
  CHECK(retained_offsets(*f.store, "s") == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE_TEMPLATE("a full stream with the reject policy refuses, counts and stores nothing",
                   Fixture, STREAM_FIXTURES) {
  Fixture f;
  RetentionPolicy policy;
  policy.max_records = 2;
  policy.when_full = WhenFull::reject;
  REQUIRE(f.store->create_stream("s", policy, 0).ok());
  REQUIRE(f.store->append(record_at("s", 1, 1)).ok());
  REQUIRE(f.store->append(record_at("s", 1, 2)).ok());
  const auto refused = f.store->append(record_at("s", 1, 3));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::unavailable);
  // A redelivery of a stored record is still answered as a duplicate.
  const auto again = f.store->append(record_at("s", 1, 2));
  REQUIRE(again.ok());
  CHECK(again->duplicate);
  // A batch that does not fit is refused whole.
  const std::vector<NewRecord> batch{record_at("s", 1, 4), record_at("s", 1, 5)};
  CHECK_FALSE(f.store->append_batch(batch).ok());
  const auto info = f.store->stream_info("s");
  REQUIRE(info.ok());
  CHECK(info->rejected == 3);
  CHECK(info->next_offset == 2);
  CHECK(retained_offsets(*f.store, "s") == std::vector<std::uint64_t>{0, 1});
}

TEST_CASE_TEMPLATE("retention by age deletes exactly the records older than max_age, oldest first",
                   Fixture, STREAM_FIXTURES) {
  Fixture f;
  ManualClock clock(1'000'000);
  RetentionPolicy policy;
  policy.max_age_ms = 1000;
  REQUIRE(f.store->create_stream("s", policy, clock.now_ms()).ok());
  for (std::uint64_t seq = 0; seq < 10; ++seq) {
    REQUIRE(f.store->append(record_at("s", clock.now_ms(), seq + 1)).ok());
    clock.advance_ms(100);
  }
  // now = 1'001'000; cutoff = 1'000'000: nothing is strictly older.
  auto run = f.store->enforce_retention(clock.now_ms(), 1000);
  REQUIRE(run.ok());
  CHECK(run->deleted_records == 0);
  clock.advance_ms(350);  // cutoff 1'000'350: offsets 0..3 (received 0..300 ms in) are older
  run = f.store->enforce_retention(clock.now_ms(), 1000);
  REQUIRE(run.ok());
  CHECK(run->deleted_records == 4);
  CHECK(run->deleted_bytes == 40);
  CHECK(f.store->stream_info("s")->first_offset == 4);
  // Batches: at most batch_limit per run, the rest next time.
  clock.advance_ms(10'000);
  run = f.store->enforce_retention(clock.now_ms(), 4);
  REQUIRE(run.ok());
  CHECK(run->deleted_records == 4);
  run = f.store->enforce_retention(clock.now_ms(), 4);
  CHECK(run->deleted_records == 2);
  const auto info = f.store->stream_info("s");
  CHECK(info->record_count == 0);
  CHECK(info->first_offset == 10);
  CHECK(f.store->append(record_at("s", clock.now_ms(), 99))->offset == 10);
}

TEST_CASE_TEMPLATE("lowering a limit takes effect at the next retention run", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  REQUIRE(f.store->ensure_stream("s", 0).ok());
  for (std::uint64_t seq = 1; seq <= 5; ++seq) REQUIRE(f.store->append(record_at("s", 1, seq)).ok());
  RetentionPolicy policy;
  policy.max_records = 2;
  const auto configured = f.store->configure_stream("s", policy);
  REQUIRE(configured.ok());
  CHECK(configured->retention == policy);
  REQUIRE(f.store->enforce_retention(2, 100).ok());
  CHECK(retained_offsets(*f.store, "s") == std::vector<std::uint64_t>{3, 4});
}

TEST_CASE_TEMPLATE("stream management refuses bad names, bad limits and existing streams", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  CHECK(f.store->create_stream("bad name", {}, 0).error().code == ErrorCode::invalid_argument);
  RetentionPolicy zero;
  zero.max_records = 0;
  CHECK(f.store->create_stream("s", zero, 0).error().code == ErrorCode::invalid_argument);
  REQUIRE(f.store->create_stream("s", {}, 0).ok());
  CHECK(f.store->create_stream("s", {}, 0).error().code == ErrorCode::conflict);
  CHECK(f.store->ensure_stream("s", 0).ok());
  CHECK(f.store->configure_stream("missing", {}).error().code == ErrorCode::not_found);
  CHECK(f.store->stream_info("missing").error().code == ErrorCode::not_found);
}

TEST_CASE("retention policy and offsets survive reopening the SQLite store") {
  test::TempDirectory directory;
  const auto file = directory.path() / "streams.db";
  RetentionPolicy policy;
  policy.max_records = 2;
  policy.max_age_ms = 60'000;
  policy.when_full = WhenFull::reject;
  {
    auto store = SqliteStreamStore::open(file);
    REQUIRE(store->create_stream("s", policy, 0).ok());
    REQUIRE(store->append(record_at("s", 1, 1)).ok());
    REQUIRE(store->append(record_at("s", 1, 2)).ok());
  }
  auto store = SqliteStreamStore::open(file);
  const auto info = store->stream_info("s");
  REQUIRE(info.ok());
  CHECK(info->retention == policy);
  CHECK(info->total_bytes == 20);
  CHECK(store->append(record_at("s", 1, 3)).error().code == ErrorCode::unavailable);
}

TEST_CASE("a stream store of schema 1 opens with its records, first offset and size intact") {
  test::TempDirectory directory;
  const auto file = directory.path() / "streams.db";
  {
    SQLite::Database old(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec(R"sql(
      CREATE TABLE streams (name TEXT PRIMARY KEY, next_offset INTEGER NOT NULL,
                            created_at_ms INTEGER NOT NULL);
      CREATE TABLE records (stream TEXT NOT NULL, offset INTEGER NOT NULL,
        received_at_ms INTEGER NOT NULL, device_id TEXT NOT NULL, seq INTEGER,
        topic TEXT NOT NULL, payload BLOB NOT NULL, reason TEXT,
        PRIMARY KEY (stream, offset)) WITHOUT ROWID;
      CREATE UNIQUE INDEX records_by_device_seq ON records (stream, device_id, seq)
        WHERE seq IS NOT NULL;
      INSERT INTO streams VALUES ('telemetry', 5, 0);
      INSERT INTO records VALUES ('telemetry', 3, 1, 'd1', 3, 't', 'abc', NULL);
      INSERT INTO records VALUES ('telemetry', 4, 2, 'd1', 4, 't', 'defgh', NULL);
      PRAGMA user_version = 1;
    )sql");
  }
  auto store = SqliteStreamStore::open(file);
  const auto info = store->stream_info(kTelemetryStream);
  REQUIRE(info.ok());
  CHECK(info->first_offset == 3);
  CHECK(info->next_offset == 5);
  CHECK(info->total_bytes == 8);
  CHECK(info->retention == RetentionPolicy{});
  CHECK(store->append(record_at("telemetry", 3, 4))->duplicate);
  CHECK(store->append(record_at("telemetry", 3, 5))->offset == 5);
}

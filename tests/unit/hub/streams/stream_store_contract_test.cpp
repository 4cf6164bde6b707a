// Behaviour every StreamStore has: run against the SQLite store and the
// in-memory one, so that tests of other modules using the in-memory one see
// what hubd will see.
#include <doctest/doctest.h>

#include <algorithm>
#include <limits>
#include <set>
#include <thread>
#include <vector>

#include "stream_fixtures.h"

using namespace edgehub;
using namespace edgehub::hub;
using edgehub::test::telemetry;

#define STREAM_FIXTURES edgehub::test::SqliteStoreFixture, edgehub::test::MemoryStoreFixture

namespace {

std::vector<std::uint64_t> offsets_of(const std::vector<AppendResult>& results) {
  std::vector<std::uint64_t> offsets;
  for (const AppendResult& result : results) offsets.push_back(result.offset);
  return offsets;
}

std::vector<std::uint64_t> offsets_of(const std::vector<StreamRecord>& records) {
  std::vector<std::uint64_t> offsets;
  for (const StreamRecord& record : records) offsets.push_back(record.offset);
  return offsets;
}

}  // namespace

TEST_CASE_TEMPLATE("offsets of a stream start at 0 and have no gaps", Fixture, STREAM_FIXTURES) {
  Fixture f;
  for (std::uint64_t expected = 0; expected < 5; ++expected) {
    const Result<AppendResult> appended = f.store->append(telemetry("d1", std::nullopt));
    REQUIRE(appended.ok());
    CHECK(appended->offset == expected);
    CHECK_FALSE(appended->duplicate);
  }
}

TEST_CASE_TEMPLATE("each stream counts its own offsets", Fixture, STREAM_FIXTURES) {
  Fixture f;
  NewRecord dead = telemetry("d1", std::nullopt, "not json");
  dead.stream = std::string(kDeadLetterStream);
  REQUIRE(f.store->append(telemetry("d1", 1)).ok());
  REQUIRE(f.store->append(telemetry("d1", 2)).ok());
  const Result<AppendResult> appended = f.store->append(dead);
  REQUIRE(appended.ok());
  CHECK(appended->offset == 0);
}

TEST_CASE_TEMPLATE("a record reads back with every field it was appended with", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  NewRecord record = telemetry("boiler-1", 1732631234000123, R"({"temperature": 21.5})");
  record.received_at_ms = 1732631234012;
  NewRecord dead;
  dead.stream = std::string(kDeadLetterStream);
  dead.received_at_ms = 7;
  dead.device_id = "boiler-1";
  dead.topic = "devices/boiler-1/responses";
  dead.payload = "{oops";
  dead.reason = "invalid JSON at byte 1";
  REQUIRE(f.store->append(record).ok());
  REQUIRE(f.store->append(dead).ok());

  const Result<std::vector<StreamRecord>> read = f.store->read(kTelemetryStream, 0, 10);
  REQUIRE(read.ok());
  REQUIRE(read->size() == 1);
  const StreamRecord& stored = read->front();
  CHECK(stored.stream == "telemetry");
  CHECK(stored.offset == 0);
  CHECK(stored.received_at_ms == 1732631234012);
  CHECK(stored.device_id == "boiler-1");
  CHECK(stored.seq == std::optional<std::uint64_t>(1732631234000123));
  CHECK(stored.topic == "devices/boiler-1/telemetry");
  CHECK(stored.payload == R"({"temperature": 21.5})");
  CHECK_FALSE(stored.reason.has_value());

  const Result<std::vector<StreamRecord>> dead_read = f.store->read(kDeadLetterStream, 0, 10);
  REQUIRE(dead_read.ok());
  REQUIRE(dead_read->size() == 1);
  CHECK(dead_read->front().stream == "deadletter");
  CHECK_FALSE(dead_read->front().seq.has_value());
  CHECK(dead_read->front().reason == std::optional<std::string>("invalid JSON at byte 1"));
  CHECK(dead_read->front().topic == "devices/boiler-1/responses");
}

TEST_CASE_TEMPLATE("a repeated device seq returns the first offset and consumes none", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  REQUIRE(f.store->append(telemetry("d1", 10, "first")).ok());
  REQUIRE(f.store->append(telemetry("d1", 11)).ok());

  const Result<AppendResult> again = f.store->append(telemetry("d1", 10, "redelivered"));
  REQUIRE(again.ok());
  CHECK(again->offset == 0);
  CHECK(again->duplicate);

  const Result<AppendResult> next = f.store->append(telemetry("d1", 12));
  REQUIRE(next.ok());
  CHECK(next->offset == 2);
  const auto read = f.store->read(kTelemetryStream, 0, 10);
  REQUIRE(read.ok());
  REQUIRE(read->size() == 3);
  CHECK(read->front().payload == "first");
}

TEST_CASE_TEMPLATE("only the same stream, device and seq make a duplicate", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  NewRecord other_stream = telemetry("d1", 5);
  other_stream.stream = "audit";
  for (const NewRecord& record : {telemetry("d1", 5), telemetry("d2", 5), other_stream,
                                  telemetry("d1", std::nullopt), telemetry("d1", std::nullopt)}) {
    const Result<AppendResult> appended = f.store->append(record);
    REQUIRE(appended.ok());
    CHECK_FALSE(appended->duplicate);
  }
  const auto listed = f.store->list();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK(listed->at(1).name == "telemetry");
  CHECK(listed->at(1).record_count == 4);
}

TEST_CASE_TEMPLATE("sequence numbers over the whole uint64 range are kept and de-duplicated",
                   Fixture, STREAM_FIXTURES) {
  Fixture f;
  const std::uint64_t largest = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t past_int64 = std::uint64_t{1} << 63;
  REQUIRE(f.store->append(telemetry("d1", largest)).ok());
  REQUIRE(f.store->append(telemetry("d1", past_int64)).ok());
  REQUIRE(f.store->append(telemetry("d1", 0)).ok());
  CHECK(f.store->append(telemetry("d1", largest))->duplicate);
  CHECK(f.store->append(telemetry("d1", past_int64))->offset == 1);

  const auto read = f.store->read(kTelemetryStream, 0, 10);
  REQUIRE(read.ok());
  REQUIRE(read->size() == 3);
  CHECK(read->at(0).seq == largest);
  CHECK(read->at(1).seq == past_int64);
  CHECK(read->at(2).seq == 0u);
}

TEST_CASE_TEMPLATE("a batch gets consecutive offsets in input order, duplicates included", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  REQUIRE(f.store->append(telemetry("d1", 1)).ok());
  const std::vector<NewRecord> batch = {telemetry("d1", 2), telemetry("d1", 1), telemetry("d2", 1),
                                        telemetry("d1", 2), telemetry("d1", 3)};

  const Result<std::vector<AppendResult>> appended = f.store->append_batch(batch);
  REQUIRE(appended.ok());
  CHECK(offsets_of(*appended) == std::vector<std::uint64_t>{1, 0, 2, 1, 3});
  std::vector<bool> duplicates;
  for (const AppendResult& result : *appended) duplicates.push_back(result.duplicate);
  CHECK(duplicates == std::vector<bool>{false, true, false, true, false});
  CHECK(offsets_of(*f.store->read(kTelemetryStream, 0, 100)) ==
        std::vector<std::uint64_t>{0, 1, 2, 3});
}

TEST_CASE_TEMPLATE("an empty batch stores nothing and succeeds", Fixture, STREAM_FIXTURES) {
  Fixture f;
  const Result<std::vector<AppendResult>> appended = f.store->append_batch({});
  REQUIRE(appended.ok());
  CHECK(appended->empty());
  CHECK(f.store->list()->empty());
}

TEST_CASE_TEMPLATE("a batch with one invalid record stores none of it", Fixture, STREAM_FIXTURES) {
  Fixture f;
  REQUIRE(f.store->append(telemetry("d1", 1)).ok());
  NewRecord invalid = telemetry("d1", 9);
  invalid.stream = "";
  NewRecord in_new_stream = telemetry("d1", 7);
  in_new_stream.stream = "fresh";
  const std::vector<NewRecord> batch = {telemetry("d1", 2), in_new_stream, telemetry("d1", 3),
                                        invalid};

  const Result<std::vector<AppendResult>> appended = f.store->append_batch(batch);
  REQUIRE_FALSE(appended.ok());
  CHECK(appended.error().code == ErrorCode::invalid_argument);

  CHECK(offsets_of(*f.store->read(kTelemetryStream, 0, 100)) == std::vector<std::uint64_t>{0});
  CHECK(f.store->read("fresh", 0, 100).error().code == ErrorCode::not_found);
  REQUIRE(f.store->list()->size() == 1);
  CHECK(f.store->list()->front().next_offset == 1);
  // The refused records consumed no offset and are not remembered as seen.
  const Result<AppendResult> retried = f.store->append(telemetry("d1", 2));
  REQUIRE(retried.ok());
  CHECK(retried->offset == 1);
  CHECK_FALSE(retried->duplicate);
}

TEST_CASE_TEMPLATE("append refuses stream names outside the documented alphabet", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  for (const char* name : {"", "a/b", ".hidden", "white space", "a+"}) {
    CAPTURE(name);
    NewRecord record = telemetry("d1", 1);
    record.stream = name;
    const Result<AppendResult> appended = f.store->append(record);
    REQUIRE_FALSE(appended.ok());
    CHECK(appended.error().code == ErrorCode::invalid_argument);
  }
  CHECK(f.store->list()->empty());
}

TEST_CASE_TEMPLATE("read of an unknown stream is not_found", Fixture, STREAM_FIXTURES) {
  Fixture f;
  const Result<std::vector<StreamRecord>> read = f.store->read("nope", 0, 10);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::not_found);
  CHECK(read.error().message == "stream 'nope' does not exist");
}

TEST_CASE_TEMPLATE("read starts at from_offset and returns at most limit records", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  std::vector<NewRecord> batch;
  for (std::uint64_t seq = 0; seq < 10; ++seq) batch.push_back(telemetry("d1", seq));
  REQUIRE(f.store->append_batch(batch).ok());

  CHECK(offsets_of(*f.store->read(kTelemetryStream, 0, 3)) == std::vector<std::uint64_t>{0, 1, 2});
  CHECK(offsets_of(*f.store->read(kTelemetryStream, 7, 100)) ==
        std::vector<std::uint64_t>{7, 8, 9});
  CHECK(offsets_of(*f.store->read(kTelemetryStream, 4, 2)) == std::vector<std::uint64_t>{4, 5});
  CHECK(f.store->read(kTelemetryStream, 0, 0)->empty());
  CHECK(f.store->read(kTelemetryStream, 10, 5)->empty());
  CHECK(f.store->read(kTelemetryStream, std::numeric_limits<std::uint64_t>::max(), 5)->empty());
  CHECK(f.store->read(kTelemetryStream, 9, std::numeric_limits<std::size_t>::max())->size() == 1);
  CHECK(f.store->read(kTelemetryStream, 4, 1)->front().seq == 4u);
}

TEST_CASE_TEMPLATE("list reports every stream with its offsets and record count", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  REQUIRE(f.store->list().ok());
  CHECK(f.store->list()->empty());
  NewRecord dead = telemetry("d1", std::nullopt, "\xff");
  dead.stream = std::string(kDeadLetterStream);
  dead.reason = "not UTF-8";
  REQUIRE(f.store
              ->append_batch(std::vector<NewRecord>{telemetry("d1", 1), telemetry("d1", 2),
                                                    telemetry("d1", 2), dead})
              .ok());

  const Result<std::vector<StreamInfo>> listed = f.store->list();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK(listed->at(0).name == "deadletter");
  CHECK(listed->at(0).first_offset == 0);
  CHECK(listed->at(0).next_offset == 1);
  CHECK(listed->at(0).record_count == 1);
  CHECK(listed->at(1).name == "telemetry");
  CHECK(listed->at(1).first_offset == 0);
  CHECK(listed->at(1).next_offset == 2);
  CHECK(listed->at(1).record_count == 2);
}

TEST_CASE_TEMPLATE("payloads are kept byte for byte, also when they are not text", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  std::string every_byte;
  for (int byte = 0; byte < 256; ++byte) every_byte.push_back(static_cast<char>(byte));
  const std::vector<std::string> payloads = {every_byte, std::string("a\0b", 3), "\xc3\x28", "",
                                             std::string(300'000, 'x')};
  for (const std::string& payload : payloads) {
    NewRecord dead = telemetry("d1", std::nullopt, payload);
    dead.stream = std::string(kDeadLetterStream);
    REQUIRE(f.store->append(dead).ok());
  }
  const auto read = f.store->read(kDeadLetterStream, 0, 100);
  REQUIRE(read.ok());
  REQUIRE(read->size() == payloads.size());
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    CAPTURE(i);
    CHECK(read->at(i).payload == payloads[i]);
  }
}

TEST_CASE_TEMPLATE("appends from several threads get distinct gap-free offsets", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  constexpr int kThreads = 4;
  constexpr int kRecordsPerThread = 50;
  std::vector<std::vector<std::uint64_t>> offsets(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&f, &offsets, t] {
      const std::string device = "d" + std::to_string(t);
      for (std::uint64_t seq = 0; seq < kRecordsPerThread; ++seq) {
        const Result<AppendResult> appended = f.store->append(telemetry(device, seq));
        if (appended.ok()) offsets[t].push_back(appended->offset);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::set<std::uint64_t> all;
  for (const auto& per_thread : offsets) {
    CHECK(per_thread.size() == kRecordsPerThread);
    CHECK(std::is_sorted(per_thread.begin(), per_thread.end()));
    all.insert(per_thread.begin(), per_thread.end());
  }
  REQUIRE(all.size() == kThreads * kRecordsPerThread);
  CHECK(*all.begin() == 0);
  CHECK(*all.rbegin() == kThreads * kRecordsPerThread - 1);
}

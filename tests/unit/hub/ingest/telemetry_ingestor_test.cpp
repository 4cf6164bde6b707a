#include "ingest/telemetry_ingestor.h"

#include <doctest/doctest.h>

#include "clock/clock.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

// A store whose appends fail with a chosen error (disk full, I/O error, ...).
class FailingStreamStore final : public StreamStore {
 public:
  explicit FailingStreamStore(ErrorCode code) : code_(code) {}
  Result<AppendResult> append(const NewRecord& record) override {
    ++attempts;
    if (record.stream == kDeadLetterStream && dead_letters_work) return inner.append(record);
    return make_error(code_, "disk I/O error");
  }
  Result<std::vector<AppendResult>> append_batch(std::span<const NewRecord>) override {
    return make_error(code_, "disk I/O error");
  }
  Result<std::vector<AppendResult>> append_group(std::span<const NewRecord>,
                                                 const SourcePosition*) override {
    return make_error(code_, "disk I/O error");
  }
  Result<std::vector<StreamRecord>> read(std::string_view stream, std::uint64_t from,
                                         std::size_t limit) const override {
    return inner.read(stream, from, limit);
  }
  Result<std::vector<StreamInfo>> list() const override { return inner.list(); }

  int attempts = 0;
  bool dead_letters_work = false;
  MemoryStreamStore inner;

 private:
  ErrorCode code_;
};

std::vector<StreamRecord> records_of(const StreamStore& store, std::string_view stream) {
  auto records = store.read(stream, 0, 1000);
  if (!records) return {};
  return *records;
}

struct Fixture {
  ManualClock clock;
  MemoryStreamStore store;
  TelemetryIngestor ingestor{store, IngestLimits{1000}};
};

}  // namespace

TEST_CASE_FIXTURE(Fixture,
                  "a valid envelope is stored as telemetry with its data, seq and device") {
  REQUIRE(ingestor
              .ingest("devices/boiler-1/telemetry",
                      R"({"seq":17,"ts":1732631234000,"data":{"temperature":21.5}})",
                      clock.now_ms())
              .ok());
  const auto telemetry = records_of(store, kTelemetryStream);
  REQUIRE(telemetry.size() == 1);
  CHECK(telemetry[0].device_id == "boiler-1");
  CHECK(telemetry[0].seq == 17u);
  CHECK(telemetry[0].topic == "devices/boiler-1/telemetry");
  CHECK(telemetry[0].payload == R"({"temperature":21.5})");
  CHECK(telemetry[0].received_at_ms == clock.now_ms());
  CHECK_FALSE(telemetry[0].reason.has_value());
  CHECK(records_of(store, kDeadLetterStream).empty());
  CHECK(ingestor.counters().stored == 1);
}

TEST_CASE_FIXTURE(Fixture, "a redelivered seq is stored once and counted as a duplicate") {
  const char* payload = R"({"seq":5,"data":1})";
  REQUIRE(ingestor.ingest("devices/a/telemetry", payload, clock.now_ms()).ok());
  clock.advance_ms(1000);
  REQUIRE(ingestor.ingest("devices/a/telemetry", payload, clock.now_ms()).ok());
  // The same seq from another device is another message.
  REQUIRE(ingestor.ingest("devices/b/telemetry", payload, clock.now_ms()).ok());
  CHECK(records_of(store, kTelemetryStream).size() == 2);
  const auto counters = ingestor.counters();
  CHECK(counters.stored == 2);
  CHECK(counters.duplicates == 1);
  CHECK(counters.handled() == 3);
}

TEST_CASE_FIXTURE(Fixture, "invalid telemetry is dead-lettered with the raw bytes and the reason") {
  REQUIRE(ingestor.ingest("devices/a/telemetry", "not json", clock.now_ms()).ok());
  REQUIRE(ingestor.ingest("devices/a/telemetry", R"({"data":1})", clock.now_ms()).ok());
  REQUIRE(ingestor.ingest("devices/a/telemetry", "[1,2]", clock.now_ms()).ok());
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 3);
  CHECK(dead[0].payload == "not json");
  CHECK(dead[0].device_id == "a");
  CHECK(dead[0].topic == "devices/a/telemetry");
  REQUIRE(dead[0].reason.has_value());
  CHECK(dead[0].reason->find("not valid JSON") == 0);
  CHECK(dead[1].reason == "missing field 'seq'");
  CHECK(dead[2].reason == "payload is not a JSON object");
  CHECK(records_of(store, kTelemetryStream).empty());
  CHECK(ingestor.counters().deadlettered == 3);
}

TEST_CASE_FIXTURE(Fixture, "a payload over the limit is dead-lettered with its size") {
  const std::string payload = R"({"seq":1,"data":")" + std::string(1000, 'x') + R"("})";
  REQUIRE(ingestor.ingest("devices/a/telemetry", payload, clock.now_ms()).ok());
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason == "payload too large: " + std::to_string(payload.size()) + " bytes > 1000");
  CHECK(dead[0].payload == payload);
  CHECK(records_of(store, kTelemetryStream).empty());
}

TEST_CASE_FIXTURE(Fixture, "a payload exactly at the limit is accepted") {
  std::string payload = R"({"seq":1,"data":")";
  payload += std::string(1000 - payload.size() - 2, 'x') + R"("})";
  REQUIRE(payload.size() == 1000);
  REQUIRE(ingestor.ingest("devices/a/telemetry", payload, clock.now_ms()).ok());
  CHECK(records_of(store, kTelemetryStream).size() == 1);
}

TEST_CASE_FIXTURE(Fixture, "a message on a topic that is not device telemetry is dead-lettered") {
  REQUIRE(ingestor.ingest("devices/a/responses", R"({"seq":1,"data":1})", clock.now_ms()).ok());
  REQUIRE(ingestor.ingest("somewhere/else", "x", clock.now_ms()).ok());
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 2);
  CHECK(dead[0].device_id == "a");
  CHECK(dead[0].reason == "topic 'devices/a/responses' is not a device telemetry topic");
  CHECK(dead[1].device_id.empty());
  CHECK(records_of(store, kTelemetryStream).empty());
}

TEST_CASE("a failing store is an error: nothing counts as handled") {
  FailingStreamStore store(ErrorCode::internal);
  TelemetryIngestor ingestor(store, IngestLimits{});
  const auto valid = ingestor.ingest("devices/a/telemetry", R"({"seq":1,"data":1})", 1);
  REQUIRE_FALSE(valid.ok());
  CHECK(valid.error().code == ErrorCode::internal);
  const auto invalid = ingestor.ingest("devices/a/telemetry", "garbage", 1);
  REQUIRE_FALSE(invalid.ok());
  const auto counters = ingestor.counters();
  CHECK(counters.handled() == 0);
  CHECK(counters.store_failures == 2);
}

TEST_CASE("telemetry the store refuses as such is kept as a dead letter") {
  FailingStreamStore store(ErrorCode::invalid_argument);
  store.dead_letters_work = true;
  TelemetryIngestor ingestor(store, IngestLimits{});
  REQUIRE(ingestor.ingest("devices/a/telemetry", R"({"seq":1,"data":1})", 1).ok());
  const auto dead = records_of(store.inner, kDeadLetterStream);
  REQUIRE(dead.size() == 1);
  REQUIRE(dead[0].reason.has_value());
  CHECK(dead[0].reason->find("refused by the telemetry stream") == 0);
  CHECK(ingestor.counters().deadlettered == 1);
}

// ingest_batch (hubd's group commit) and batched telemetry payloads
// (docs/protocol.md 3.1).
#include <doctest/doctest.h>

#include "ingest/decided_dead_letter.h"
#include "ingest/telemetry_ingestor.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

std::vector<StreamRecord> records_of(const StreamStore& store, std::string_view stream) {
  auto records = store.read(stream, 0, 1000);
  if (!records) return {};
  return *records;
}

JournalEntry entry(std::uint64_t sequence, std::string topic, std::string payload) {
  return JournalEntry{sequence, 1000 + static_cast<std::int64_t>(sequence), std::move(topic),
                      std::move(payload)};
}

}  // namespace

TEST_CASE("a group of messages is stored in arrival order with the journal position") {
  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{});
  const std::vector<JournalEntry> entries = {
      entry(7, "devices/a/telemetry", R"({"seq":1,"data":{"t":1}})"),
      entry(8, "devices/b/telemetry", "not json"),
      entry(9, "devices/a/telemetry", R"({"seq":2,"data":{"t":2}})"),
      entry(10, "devices/a/telemetry", R"({"seq":1,"data":{"t":1}})"),  // redelivered
  };
  REQUIRE(ingestor.ingest_batch(entries, SourcePosition{"journal", 10}).ok());

  const auto telemetry = records_of(store, kTelemetryStream);
  REQUIRE(telemetry.size() == 2);
  CHECK(telemetry[0].offset == 0);
  CHECK(telemetry[0].seq == std::optional<std::uint64_t>(1));
  CHECK(telemetry[0].received_at_ms == 1007);
  CHECK(telemetry[1].payload == R"({"t":2})");
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].device_id == "b");
  CHECK(dead[0].payload == "not json");
  CHECK(store.source_position("journal")->value_or(0) == 10);

  const IngestCounters counters = ingestor.counters();
  CHECK(counters.stored == 2);
  CHECK(counters.duplicates == 1);
  CHECK(counters.deadlettered == 1);
}

TEST_CASE("a full stream in a group: the rest is stored, the refusal counted once") {
  MemoryStreamStore store;
  RetentionPolicy full;
  full.max_records = 2;
  full.when_full = WhenFull::reject;
  REQUIRE(store.create_stream("telemetry", full, 0).ok());
  TelemetryIngestor ingestor(store, IngestLimits{});
  std::vector<RefusedMessage> refused;
  ingestor.set_refusal_listener([&](const RefusedMessage& message) { refused.push_back(message); });
  const std::vector<JournalEntry> entries = {
      entry(1, "devices/a/telemetry", R"({"seq":1,"data":1})"),
      entry(2, "devices/a/telemetry", R"({"seq":2,"data":2})"),
      entry(3, "devices/a/telemetry", R"({"seq":3,"data":3})"),
      entry(4, "devices/a/telemetry", "{broken"),
  };
  REQUIRE(ingestor.ingest_batch(entries, SourcePosition{"journal", 4}).ok());
  CHECK(records_of(store, kTelemetryStream).size() == 2);
  CHECK(records_of(store, kDeadLetterStream).size() == 1);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].seq == std::optional<std::uint64_t>(3));
  CHECK(store.stream_info("telemetry")->rejected == 1);
  CHECK(ingestor.counters().refused == 1);
  CHECK(store.source_position("journal")->value_or(0) == 4);
}

TEST_CASE("a batched telemetry message stores one record per element") {
  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{});
  const std::string batch =
      R"({"batch":[{"seq":5,"ts":1,"data":{"t":20.5}},{"seq":6,"data":{"t":20.6}}]})";
  REQUIRE(ingestor.ingest("devices/a/telemetry", batch, 50).ok());
  const auto telemetry = records_of(store, kTelemetryStream);
  REQUIRE(telemetry.size() == 2);
  CHECK(telemetry[0].seq == std::optional<std::uint64_t>(5));
  CHECK(telemetry[0].payload == R"({"t":20.5})");
  CHECK(telemetry[1].seq == std::optional<std::uint64_t>(6));
  CHECK(telemetry[1].device_id == "a");
  CHECK(telemetry[1].received_at_ms == 50);

  SUBCASE("a resent batch stores nothing twice") {
    REQUIRE(ingestor.ingest("devices/a/telemetry", batch, 60).ok());
    CHECK(records_of(store, kTelemetryStream).size() == 2);
    CHECK(ingestor.counters().duplicates == 2);
  }
}

TEST_CASE("an invalid batch element is dead-lettered with its index; the others are stored") {
  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{});
  REQUIRE(ingestor
              .ingest("devices/a/telemetry",
                      R"({"batch":[{"seq":1,"data":1},{"data":2},{"seq":3,"data":3}]})", 50)
              .ok());
  CHECK(records_of(store, kTelemetryStream).size() == 2);
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason == "batch element 2 of 3: missing field 'seq'");
  CHECK(dead[0].payload == R"({"data":2})");
  CHECK(dead[0].device_id == "a");
}

TEST_CASE("a batch that is not a non-empty array is dead-lettered whole") {
  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{});
  for (const char* payload : {R"({"batch":[]})", R"({"batch":{"seq":1}})", R"({"batch":null})"}) {
    CAPTURE(payload);
    REQUIRE(ingestor.ingest("devices/a/telemetry", payload, 50).ok());
  }
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 3);
  CHECK(dead[0].reason == "field 'batch' is not a non-empty array");
  CHECK(dead[2].payload == R"({"batch":null})");
  CHECK(records_of(store, kTelemetryStream).empty());
}

TEST_CASE("an entry set aside is a dead letter with its raw payload, reason and the position") {
  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{});
  const std::string payload = R"({"seq":1,"data":[[[[]]]]})";
  REQUIRE(ingestor
              .set_aside(entry(12, "devices/crasher/telemetry", payload),
                         "hubd stopped while processing this message 2 times; set aside",
                         SourcePosition{"journal", 12})
              .ok());
  CHECK(records_of(store, kTelemetryStream).empty());  // never parsed, never stored as telemetry
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].device_id == "crasher");
  CHECK(dead[0].topic == "devices/crasher/telemetry");
  CHECK(dead[0].payload == payload);
  CHECK(dead[0].received_at_ms == 1012);
  CHECK(dead[0].reason == "hubd stopped while processing this message 2 times; set aside");
  CHECK(store.source_position("journal")->value_or(0) == 12);
  CHECK(ingestor.counters().deadlettered == 1);
}

TEST_CASE("a dead letter decided outside ingest comes through the journal with its reason") {
  const std::string journal_topic =
      decided_dead_letter_topic("pump-3", "devices/pump-3/responses", "no command with id 'x'");
  const auto parsed = parse_decided_dead_letter_topic(journal_topic);
  REQUIRE(parsed.has_value());
  CHECK(parsed->device_id == "pump-3");
  CHECK(parsed->topic == "devices/pump-3/responses");
  CHECK(parsed->reason == "no command with id 'x'");
  // A message's topic is never one (MQTT topics cannot hold U+0000).
  CHECK_FALSE(parse_decided_dead_letter_topic("devices/pump-3/responses").has_value());
  CHECK_FALSE(parse_decided_dead_letter_topic(std::string("\0x", 2)).has_value());

  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{});
  const std::vector<JournalEntry> entries = {
      entry(3, "devices/a/telemetry", R"({"seq":1,"data":{"t":1}})"),
      entry(4, journal_topic, R"({"id":"x","status":200})"),
  };
  REQUIRE(ingestor.ingest_batch(entries, SourcePosition{"journal", 4}).ok());
  CHECK(records_of(store, kTelemetryStream).size() == 1);
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].device_id == "pump-3");
  CHECK(dead[0].topic == "devices/pump-3/responses");
  CHECK(dead[0].payload == R"({"id":"x","status":200})");
  CHECK(dead[0].reason == "no command with id 'x'");
  CHECK(dead[0].received_at_ms == 1004);
  CHECK(store.source_position("journal")->value_or(0) == 4);
}

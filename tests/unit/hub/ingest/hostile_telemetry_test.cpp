// Telemetry built to hurt the hub: nesting that would overflow a recursive
// dump, batches that would become a flood of dead letters. Each becomes one
// dead letter with a reason, decided before anything is parsed or built.
#include <doctest/doctest.h>

#include <string>

#include "edgehub/protocol/json_limits.h"
#include "ingest/telemetry_ingestor.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

constexpr std::string_view kTopic = "devices/a/telemetry";

std::vector<StreamRecord> records_of(const StreamStore& store, std::string_view stream) {
  auto records = store.read(stream, 0, 100000);
  if (!records) return {};
  return *records;
}

std::string nested(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

std::string batch_of(std::size_t count, const std::string& element) {
  std::string text = R"({"batch":[)";
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) text += ',';
    text += element;
  }
  return text + "]}";
}

}  // namespace

TEST_CASE("data nested 100,000 deep is one dead letter naming the depth, stored raw") {
  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{});
  const std::string payload = R"({"seq":1,"data":)" + nested(100000) + "}";
  REQUIRE(ingestor.ingest(kTopic, payload, 5).ok());
  CHECK(records_of(store, kTelemetryStream).empty());
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason == "JSON nested deeper than 32 levels");
  CHECK(dead[0].payload == payload);
  CHECK(dead[0].device_id == "a");
  CHECK(ingestor.counters().deadlettered == 1);
}

TEST_CASE("the depth limit counts the whole message: 32 levels pass, 33 do not") {
  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{});
  // {"seq":..,"data":<31 levels>} is 32 levels.
  REQUIRE(ingestor.ingest(kTopic, R"({"seq":1,"data":)" + nested(31) + "}", 5).ok());
  REQUIRE(ingestor.ingest(kTopic, R"({"seq":2,"data":)" + nested(32) + "}", 5).ok());
  const auto stored = records_of(store, kTelemetryStream);
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].payload == nested(31));
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason == "JSON nested deeper than 32 levels");
}

TEST_CASE("a deep batch element makes the whole message one dead letter") {
  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{});
  const std::string payload =
      R"({"batch":[{"seq":1,"data":1},{"seq":2,"data":)" + nested(100000) + "}]}";
  REQUIRE(ingestor.ingest(kTopic, payload, 5).ok());
  CHECK(records_of(store, kTelemetryStream).empty());
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason == "JSON nested deeper than 32 levels");
}

TEST_CASE("the depth limit follows the process setting (hubd --max-json-depth)") {
  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{});
  protocol::set_max_json_depth(4);
  REQUIRE(ingestor.ingest(kTopic, R"({"seq":1,"data":)" + nested(3) + "}", 5).ok());
  REQUIRE(ingestor.ingest(kTopic, R"({"seq":2,"data":)" + nested(4) + "}", 5).ok());
  protocol::set_max_json_depth(protocol::kDefaultMaxJsonDepth);
  CHECK(records_of(store, kTelemetryStream).size() == 1);
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason == "JSON nested deeper than 4 levels");
}

TEST_CASE("a batch over the reading limit is ONE dead letter, whatever its elements") {
  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{});
  const std::string invalid = batch_of(5000, "1");
  REQUIRE(ingestor.ingest(kTopic, invalid, 5).ok());
  const std::string valid = batch_of(1001, R"({"seq":7,"data":1})");
  REQUIRE(ingestor.ingest(kTopic, valid, 5).ok());
  CHECK(records_of(store, kTelemetryStream).empty());
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 2);
  CHECK(dead[0].reason == "batch too large: 5000 readings > 1000");
  CHECK(dead[0].payload == invalid);
  CHECK(dead[1].reason == "batch too large: 1001 readings > 1000");
  CHECK(ingestor.counters().deadlettered == 2);
}

TEST_CASE("a batch at the reading limit is taken element by element") {
  MemoryStreamStore store;
  TelemetryIngestor ingestor(store, IngestLimits{.max_batch_readings = 3});
  REQUIRE(ingestor.ingest(kTopic, R"({"batch":[1,{"seq":1,"data":2},3]})", 5).ok());
  REQUIRE(ingestor.ingest(kTopic, R"({"batch":[1,2,3,4]})", 5).ok());
  CHECK(records_of(store, kTelemetryStream).size() == 1);
  const auto dead = records_of(store, kDeadLetterStream);
  REQUIRE(dead.size() == 3);
  CHECK(dead[0].reason == "batch element 1 of 3: not a JSON object");
  CHECK(dead[1].reason == "batch element 3 of 3: not a JSON object");
  CHECK(dead[2].reason == "batch too large: 4 readings > 3");
}

// A telemetry message a full stream (policy reject) refuses is not stored,
// not dead-lettered, acknowledged (ok), counted and reported to the listener
// that tells the device (hubd: flow/).
#include <doctest/doctest.h>

#include <vector>

#include "ingest/telemetry_ingestor.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;

TEST_CASE("a message refused by a full telemetry stream is counted and reported, not stored") {
  MemoryStreamStore store;
  RetentionPolicy full;
  full.max_records = 1;
  full.when_full = WhenFull::reject;
  REQUIRE(store.create_stream("telemetry", full, 0).ok());
  TelemetryIngestor ingestor(store, IngestLimits{});
  std::vector<RefusedMessage> refused;
  ingestor.set_refusal_listener(
      [&](const RefusedMessage& message) { refused.push_back(message); });

  const std::string topic = "devices/d1/telemetry";
  REQUIRE(ingestor.ingest(topic, R"({"seq": 1, "data": 1})", 10).ok());
  CHECK(ingestor.ingest(topic, R"({"seq": 2, "data": 2})", 11).ok());  // acknowledged

  CHECK(ingestor.counters().stored == 1);
  CHECK(ingestor.counters().refused == 1);
  CHECK(ingestor.counters().deadlettered == 0);
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].stream == "telemetry");
  CHECK(refused[0].device_id == "d1");
  CHECK(refused[0].seq == std::optional<std::uint64_t>(2));
  CHECK(store.stream_info("telemetry")->rejected == 1);
  CHECK_FALSE(store.stream_info("deadletter").ok());  // nothing dead-lettered
}

#include "presence/device_limit_hits.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "presence/presence_tracker.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;

TEST_CASE("a limited event from the plugin parses with its limit, reason and hit count") {
  auto device = parse_presence_event(
      "$hub/presence/d1",
      R"({"event":"limited","at_ms":5,"broker_run":7,"seq":9,"limit":"messages_per_second",)"
      R"j("reason":"over 200 messages/s (burst 2000)","hits":12})j");
  REQUIRE(device.ok());
  CHECK(device->kind == PresenceEvent::Kind::limited);
  CHECK(device->device_id == "d1");
  CHECK(device->limit == "messages_per_second");
  CHECK(device->reason == "over 200 messages/s (burst 2000)");
  CHECK(device->hits == 12);
  CHECK(device->seq == 9);

  auto broker = parse_presence_event(
      "$hub/broker",
      R"({"event":"limited","at_ms":5,"broker_run":7,"seq":10,"limit":"connect_timeout",)"
      R"("reason":"no CONNECT within 10 s","hits":1100})");
  REQUIRE(broker.ok());
  CHECK(broker->device_id.empty());
  CHECK(broker->hits == 1100);
}

TEST_CASE("a limited event with an unknown limit or no hits is not one") {
  for (const char* payload :
       {R"({"event":"limited","at_ms":5,"broker_run":7,"seq":9,"limit":"speed","hits":1})",
        R"({"event":"limited","at_ms":5,"broker_run":7,"seq":9,"limit":"retained"})",
        R"({"event":"limited","at_ms":5,"broker_run":7,"seq":9,"limit":"retained","hits":0})"}) {
    CAPTURE(payload);
    CHECK_FALSE(parse_presence_event("$hub/presence/d1", payload).ok());
  }
}

TEST_CASE(
    "every limit report is a lifecycle record and its hits are counted per device and "
    "per limit, once per report") {
  MemoryStreamStore streams;
  DeviceLimitHits hits(streams);
  PresenceEvent event;
  event.kind = PresenceEvent::Kind::limited;
  event.device_id = "d1";
  event.limit = "messages_per_second";
  event.reason = "over 200 messages/s (burst 2000)";
  event.hits = 3;
  event.seq = 100;
  event.broker_run = 7;
  event.at_ms = 1234;
  REQUIRE(hits.record(event).ok());
  REQUIRE(hits.record(event).ok());  // redelivered after a hubd restart: once
  PresenceEvent retained = event;
  retained.limit = "retained";
  retained.hits = 1;
  retained.seq = 101;
  REQUIRE(hits.record(retained).ok());
  PresenceEvent timeout = event;
  timeout.device_id = "";
  timeout.limit = "connect_timeout";
  timeout.hits = 40;
  timeout.seq = 102;
  REQUIRE(hits.record(timeout).ok());

  const LimitHitCounts counts = hits.counts();
  CHECK(counts.total == 44);
  CHECK(hits.total() == 44);
  CHECK(counts.by_limit.at("messages_per_second") == 3);
  CHECK(counts.by_limit.at("connect_timeout") == 40);
  CHECK(counts.by_device.at("d1").at("messages_per_second") == 3);
  CHECK(counts.by_device.at("d1").at("retained") == 1);
  CHECK(counts.by_device.size() == 1);

  auto records = streams.read(kLifecycleStream, 0, 10);
  REQUIRE(records.ok());
  REQUIRE(records->size() == 3);
  const auto first = nlohmann::json::parse((*records)[0].payload);
  CHECK((*records)[0].device_id == "d1");
  CHECK((*records)[0].topic == "$hub/presence/d1");
  CHECK(first["event"] == "limited");
  CHECK(first["limit"] == "messages_per_second");
  CHECK(first["reason"] == "over 200 messages/s (burst 2000)");
  CHECK(first["hits"] == 3);
  CHECK((*records)[2].topic == "$hub/broker");
}

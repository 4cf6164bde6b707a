// Telemetry with routes in force: copies land in the routes' streams with the
// telemetry's device and seq, failures are dead-lettered, nothing is lost.
#include <doctest/doctest.h>

#include "ingest/telemetry_ingestor.h"
#include "routing/route_table.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

struct RoutedFixture {
  MemoryStreamStore store;
  std::unique_ptr<RouteStore> route_store = make_memory_route_store();
  RouteTable routes{*route_store, [](std::string_view device) {
                      return device == "boiler-1" ? std::string(R"({"room":"cellar"})")
                                                  : std::string("{}");
                    }};
  TelemetryIngestor ingestor{store, IngestLimits{10000}, &routes};

  std::vector<StreamRecord> records(std::string_view stream) const {
    auto read = store.read(stream, 0, 1000);
    return read ? *read : std::vector<StreamRecord>{};
  }
};

}  // namespace

TEST_CASE_FIXTURE(RoutedFixture,
                  "a matching message is stored as telemetry and copied, projected, to the route") {
  REQUIRE(routes
              .add(RouteDefinition{"hot", "$.temperature > 30 AND device LIKE 'boiler-%'",
                                   "json_object('t', $.temperature, 'room', attributes.$.room)",
                                   "hot-boilers", 0})
              .ok());
  REQUIRE(
      ingestor.ingest("devices/boiler-1/telemetry", R"({"seq":5,"data":{"temperature":35}})", 10)
          .ok());
  REQUIRE(
      ingestor.ingest("devices/boiler-1/telemetry", R"({"seq":6,"data":{"temperature":20}})", 11)
          .ok());
  CHECK(records(kTelemetryStream).size() == 2);
  const auto hot = records("hot-boilers");
  REQUIRE(hot.size() == 1);
  CHECK(hot[0].payload == R"({"t":35,"room":"cellar"})");
  CHECK(hot[0].device_id == "boiler-1");
  CHECK(hot[0].seq == 5u);
  CHECK(hot[0].topic == "devices/boiler-1/telemetry");
  CHECK(ingestor.counters().routed == 1);
}

TEST_CASE_FIXTURE(RoutedFixture, "a redelivered message is not copied twice") {
  REQUIRE(routes.add(RouteDefinition{"all", "1", "", "copy", 0}).ok());
  const std::string message = R"({"seq":9,"data":{"x":1}})";
  REQUIRE(ingestor.ingest("devices/pump-1/telemetry", message, 10).ok());
  REQUIRE(ingestor.ingest("devices/pump-1/telemetry", message, 20).ok());
  CHECK(records(kTelemetryStream).size() == 1);
  CHECK(records("copy").size() == 1);
  CHECK(ingestor.counters().duplicates == 1);
}

TEST_CASE_FIXTURE(RoutedFixture,
                  "a route failing for one message dead-letters it with the route's name; "
                  "the telemetry is kept") {
  REQUIRE(routes.add(RouteDefinition{"strict", "1", "json($.text)", "strict", 0}).ok());
  const std::string message = R"({"seq":3,"data":{"text":"not json"}})";
  REQUIRE(ingestor.ingest("devices/pump-1/telemetry", message, 10).ok());
  REQUIRE(ingestor.ingest("devices/pump-1/telemetry", message, 11).ok());  // redelivery
  CHECK(records(kTelemetryStream).size() == 1);
  CHECK(records("strict").empty());
  const auto dead = records(kDeadLetterStream);
  REQUIRE(dead.size() == 1);
  REQUIRE(dead[0].reason.has_value());
  CHECK(dead[0].reason->find("route 'strict'") != std::string::npos);
  CHECK(dead[0].reason->find("malformed JSON") != std::string::npos);
  CHECK(dead[0].payload == message);
  CHECK(ingestor.counters().route_failures == 1);
  CHECK(routes.find("strict")->errors == 2);
}

TEST_CASE_FIXTURE(RoutedFixture, "invalid envelopes still go to deadletter, not to routes") {
  REQUIRE(routes.add(RouteDefinition{"all", "1", "", "copy", 0}).ok());
  REQUIRE(ingestor.ingest("devices/pump-1/telemetry", "not json", 10).ok());
  REQUIRE(ingestor.ingest("devices/pump-1/telemetry", R"({"data":{}})", 10).ok());
  CHECK(records(kDeadLetterStream).size() == 2);
  CHECK(records("copy").empty());
}

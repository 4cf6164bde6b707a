#include "twins/twin_service.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "edgehub/test/temp_directory.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using nlohmann::json;

namespace {

struct Fixture {
  Fixture() {
    DeviceRecord record;
    record.id = "boiler-1";
    record.certificate_sha256 = std::string(64, 'a');
    REQUIRE(registry.add(record).ok());
  }
  std::vector<StreamRecord> dead_letters() const {
    auto records = streams.read(kDeadLetterStream, 0, 100);
    return records ? *records : std::vector<StreamRecord>{};
  }
  ManualClock clock;
  MemoryDeviceRegistry registry{clock};
  MemoryStreamStore streams;
  MemoryBrokerConnection broker;
  MemoryDevicePresence presence;
  std::unique_ptr<TwinStore> store = TwinStore::open(":memory:");
  TwinService twins{registry, *store, broker, presence, streams, clock};
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "desired properties are merged, versioned, and a stale patch is refused") {
  auto first = twins.patch_desired("boiler-1", R"({"interval_ms":500,"mode":"eco"})", 0);
  REQUIRE(first.ok());
  CHECK(first->desired.version == 1);
  auto second = twins.patch_desired("boiler-1", R"({"mode":null,"target":21})", 1);
  REQUIRE(second.ok());
  CHECK(second->desired.version == 2);
  CHECK(json::parse(second->desired.properties_json) == json{{"interval_ms", 500}, {"target", 21}});

  auto stale = twins.patch_desired("boiler-1", R"({"target":5})", 1);
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code == ErrorCode::conflict);
  CHECK(twins.get("boiler-1")->desired.version == 2);  // unchanged
  CHECK(twins.patch_desired("boiler-1", "[1]", std::nullopt).error().code ==
        ErrorCode::invalid_argument);
  CHECK(twins.patch_desired("ghost", "{}", std::nullopt).error().code == ErrorCode::not_found);
}

TEST_CASE_FIXTURE(Fixture, "a connected device gets the desired change at once, an offline one "
                           "when it connects") {
  REQUIRE(twins.patch_desired("boiler-1", R"({"a":1})", std::nullopt).ok());
  CHECK(broker.published().empty());  // offline
  presence.set("boiler-1", true);
  REQUIRE(twins.device_connected("boiler-1").ok());
  REQUIRE(broker.published().size() == 1);
  CHECK(broker.published()[0].topic == "devices/boiler-1/desired");
  CHECK(broker.published()[0].qos == 1);
  CHECK(json::parse(broker.published()[0].payload) ==
        json{{"version", 1}, {"desired", {{"a", 1}}}, {"patch", nullptr}});

  REQUIRE(twins.patch_desired("boiler-1", R"({"b":2})", 1).ok());
  REQUIRE(broker.published().size() == 2);
  CHECK(json::parse(broker.published()[1].payload) ==
        json{{"version", 2}, {"desired", {{"a", 1}, {"b", 2}}}, {"patch", {{"b", 2}}}});
}

TEST_CASE_FIXTURE(Fixture, "a device without desired properties gets nothing on connect") {
  presence.set("boiler-1", true);
  REQUIRE(twins.device_connected("boiler-1").ok());
  CHECK(broker.published().empty());
}

TEST_CASE_FIXTURE(Fixture, "reported properties are stored with the device's version; stale and "
                           "invalid reports are dead letters") {
  REQUIRE(twins.on_reported("devices/boiler-1/reported",
                            R"({"version":3,"reported":{"fw":"1.2"},"desired_version":1})")
              .ok());
  auto twin = twins.get("boiler-1");
  REQUIRE(twin.ok());
  CHECK(twin->reported.version == 3);
  CHECK(twin->desired_acknowledged_version == 1);
  CHECK(json::parse(twin->reported.properties_json) == json{{"fw", "1.2"}});

  REQUIRE(twins.on_reported("devices/boiler-1/reported", R"({"version":3,"reported":{"fw":"0"}})")
              .ok());  // same version again: stale
  REQUIRE(twins.on_reported("devices/boiler-1/reported", R"({"reported":{}})").ok());
  REQUIRE(twins.on_reported("devices/boiler-1/reported", "not json").ok());
  const auto dead = dead_letters();
  REQUIRE(dead.size() == 3);
  CHECK(dead[0].reason->find("stale reported version 3") != std::string::npos);
  CHECK(dead[1].reason->find("invalid twin report") == 0);
  CHECK(json::parse(twins.get("boiler-1")->reported.properties_json) == json{{"fw", "1.2"}});

  REQUIRE(twins.on_reported("devices/boiler-1/reported", R"({"version":4,"reported":{"fw":null,"t":1}})")
              .ok());
  CHECK(json::parse(twins.get("boiler-1")->reported.properties_json) == json{{"t", 1}});
}

TEST_CASE_FIXTURE(Fixture, "update counts: stored changes only, stale and invalid ones not") {
  REQUIRE(twins.patch_desired("boiler-1", R"({"a":1})", std::nullopt).ok());
  REQUIRE_FALSE(twins.patch_desired("boiler-1", R"({"a":2})", 7).ok());  // stale
  const std::string report = R"({"version":1,"reported":{"a":1}})";
  REQUIRE(twins.on_reported("devices/boiler-1/reported", report).ok());
  REQUIRE(twins.on_reported("devices/boiler-1/reported", report).ok());  // stale: a dead letter
  REQUIRE(twins.on_reported("devices/boiler-1/reported", "not json").ok());
  CHECK(twins.update_counts().desired == 1);
  CHECK(twins.update_counts().reported == 1);
}

TEST_CASE("twins survive a restart of the hub") {
  edgehub::test::TempDirectory directory;
  {
    auto store = TwinStore::open(directory.path() / "twins.db");
    REQUIRE(store->patch_desired("d1", R"({"x":1})", std::nullopt, 1).ok());
    REQUIRE(store->apply_reported("d1", R"({"y":2})", 7, std::nullopt, 2).ok());
  }
  auto reopened = TwinStore::open(directory.path() / "twins.db");
  auto twin = reopened->get("d1");
  REQUIRE(twin.ok());
  CHECK(twin->desired.version == 1);
  CHECK(twin->reported.version == 7);
  CHECK(json::parse(twin->reported.properties_json) == json{{"y", 2}});
}

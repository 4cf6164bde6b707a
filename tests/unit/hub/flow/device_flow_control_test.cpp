// A device whose telemetry a full stream refuses is told to pause on its own
// flow topic, once per retry interval, and told to resume when there is room.
#include "flow/device_flow_control.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "clock/clock.h"
#include "flow/flow_notice.h"
#include "mqtt/memory_broker_connection.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::vector<PublishedMessage> wait_for_published(const MemoryBrokerConnection& broker,
                                                 std::size_t count) {
  for (int i = 0; i < 500 && broker.published().size() < count; ++i) {
    std::this_thread::sleep_for(2ms);
  }
  return broker.published();
}

// A telemetry stream with policy reject, filled up to max_records.
RetentionPolicy fill_rejecting_stream(MemoryStreamStore& store, std::uint64_t max_records) {
  RetentionPolicy full;
  full.max_records = max_records;
  full.when_full = WhenFull::reject;
  REQUIRE(store.create_stream("telemetry", full, 0).ok());
  for (std::uint64_t i = 0; i < max_records; ++i) {
    NewRecord record;
    record.stream = "telemetry";
    record.device_id = "d1";
    record.payload = "{}";
    REQUIRE(store.append(record).ok());
  }
  return full;
}

struct Fixture {
  MemoryStreamStore store;
  MemoryBrokerConnection broker;
  ManualClock clock;
  DeviceFlowControl flow{store, broker, clock, FlowSettings{1000}};
  Fixture() {
    fill_rejecting_stream(store, 1);
    flow.start();
  }
};

}  // namespace

TEST_CASE("a refused device is told paused on devices/<id>/flow, then not again until retry") {
  Fixture f;
  f.flow.on_refused("telemetry", "d1", 7);
  f.flow.on_refused("telemetry", "d1", 8);  // within retry_after_ms: no second notice
  auto published = wait_for_published(f.broker, 1);
  std::this_thread::sleep_for(20ms);
  published = f.broker.published();
  REQUIRE(published.size() == 1);
  CHECK(published[0].topic == "devices/d1/flow");
  const json notice = json::parse(published[0].payload);
  CHECK(notice.at("state") == "paused");
  CHECK(notice.at("stream") == "telemetry");
  CHECK(notice.at("retry_after_ms") == 1000);
  CHECK(notice.at("first_refused_seq") == 7);
  CHECK(f.flow.paused_devices() == 1);
  CHECK(f.flow.refused_by_device("telemetry") == std::map<std::string, std::uint64_t>{{"d1", 2}});

  f.clock.advance_ms(1000);
  f.flow.on_refused("telemetry", "d1", 9);
  CHECK(wait_for_published(f.broker, 2).size() == 2);
}

TEST_CASE("paused devices are told resumed once the stream has room, not before") {
  Fixture f;
  f.flow.on_refused("telemetry", "d1", 1);
  f.flow.on_refused("telemetry", "d2", 1);
  REQUIRE(wait_for_published(f.broker, 2).size() == 2);
  f.flow.check_resumed();  // still full
  std::this_thread::sleep_for(20ms);
  CHECK(f.broker.published().size() == 2);
  CHECK(f.flow.paused_devices() == 2);

  RetentionPolicy roomy;
  roomy.max_records = 10;
  roomy.when_full = WhenFull::reject;
  REQUIRE(f.store.configure_stream("telemetry", roomy).ok());
  f.flow.check_resumed();
  const auto published = wait_for_published(f.broker, 4);
  REQUIRE(published.size() == 4);
  CHECK(json::parse(published[2].payload) == json{{"state", "resumed"}, {"stream", "telemetry"}});
  CHECK(published[3].topic == "devices/d2/flow");
  CHECK(f.flow.paused_devices() == 0);
}

TEST_CASE("devices resume only once the stream is at most 90% full, not at the first free slot") {
  MemoryStreamStore store;
  MemoryBrokerConnection broker;
  ManualClock clock;
  DeviceFlowControl flow{store, broker, clock, FlowSettings{1000, 90}};
  const RetentionPolicy full = fill_rejecting_stream(store, 100);
  flow.start();
  flow.on_refused("telemetry", "d1", 1);
  REQUIRE(wait_for_published(broker, 1).size() == 1);

  RetentionPolicy little_room = full;
  little_room.max_records = 105;  // room for 5: 95% full
  REQUIRE(store.configure_stream("telemetry", little_room).ok());
  flow.check_resumed();
  std::this_thread::sleep_for(20ms);
  CHECK(broker.published().size() == 1);
  CHECK(flow.paused_devices() == 1);

  RetentionPolicy enough = full;
  enough.max_records = 112;  // 89% full
  REQUIRE(store.configure_stream("telemetry", enough).ok());
  flow.check_resumed();
  const auto published = wait_for_published(broker, 2);
  REQUIRE(published.size() == 2);
  CHECK(json::parse(published[1].payload).at("state") == "resumed");
  CHECK(flow.paused_devices() == 0);
}

TEST_CASE("a resumed notice the broker did not take is sent again at the next check") {
  Fixture f;
  f.flow.on_refused("telemetry", "d1", 1);
  REQUIRE(wait_for_published(f.broker, 1).size() == 1);
  RetentionPolicy roomy;
  REQUIRE(f.store.configure_stream("telemetry", roomy).ok());
  f.broker.set_connected(false);
  f.flow.check_resumed();
  for (int i = 0; i < 500 && f.flow.paused_devices() == 0; ++i) std::this_thread::sleep_for(2ms);
  CHECK(f.flow.paused_devices() == 1);  // back on the list
  f.broker.set_connected(true);
  f.flow.check_resumed();
  const auto published = wait_for_published(f.broker, 2);
  REQUIRE(published.size() == 2);
  CHECK(json::parse(published[1].payload).at("state") == "resumed");
}

TEST_CASE("a paused notice without a refused seq leaves the field out (never null)") {
  const auto notice = nlohmann::json::parse(paused_notice("telemetry", 1000, std::nullopt));
  CHECK(notice.at("state") == "paused");
  CHECK_FALSE(notice.contains("first_refused_seq"));
  CHECK(nlohmann::json::parse(paused_notice("telemetry", 1000, 9)).at("first_refused_seq") == 9);
}

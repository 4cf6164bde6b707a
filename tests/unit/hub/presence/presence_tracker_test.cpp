#include "presence/presence_tracker.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "edgehub/test/temp_directory.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

PresenceEvent event(PresenceEvent::Kind kind, const std::string& device, std::uint64_t connection,
                    std::uint64_t seq, std::uint64_t run = 100) {
  PresenceEvent result;
  result.kind = kind;
  result.device_id = device;
  result.connection = connection;
  result.seq = seq;
  result.broker_run = run;
  result.at_ms = static_cast<std::int64_t>(1000 + seq);
  return result;
}

std::vector<std::string> lifecycle(const MemoryStreamStore& streams) {
  std::vector<std::string> events;
  auto records = streams.read(kLifecycleStream, 0, 100);
  if (!records) return events;
  for (const auto& record : *records) {
    events.push_back(record.device_id + " " +
                     nlohmann::json::parse(record.payload).value("event", "?"));
  }
  return events;
}

constexpr auto kConnected = PresenceEvent::Kind::connected;
constexpr auto kDisconnected = PresenceEvent::Kind::disconnected;

PresenceEvent subscribed(const std::string& device, std::uint64_t connection, std::uint64_t seq,
                         const std::string& topic = "commands") {
  PresenceEvent result = event(PresenceEvent::Kind::subscribed, device, connection, seq);
  result.subscribed_to = topic;
  return result;
}

}  // namespace

TEST_CASE(
    "connect and disconnect events make a device connected, then not, with last-seen and "
    "lifecycle records") {
  MemoryStreamStore streams;
  PresenceTracker tracker(":memory:", streams);
  CHECK_FALSE(tracker.is_connected("d1"));
  auto online = tracker.apply(event(kConnected, "d1", 1, 1));
  REQUIRE(online.ok());
  CHECK(*online == std::vector<std::string>{"d1"});
  CHECK(tracker.is_connected("d1"));
  CHECK(tracker.connection_of("d1")->last_seen_ms == 1001);
  REQUIRE(tracker.apply(event(kDisconnected, "d1", 1, 2)).ok());
  CHECK_FALSE(tracker.is_connected("d1"));
  CHECK(tracker.connection_of("d1")->last_seen_ms == 1002);
  CHECK(lifecycle(streams) == std::vector<std::string>{"d1 connected", "d1 disconnected"});
}

TEST_CASE("session takeover: the old connection's late disconnect does not disconnect the device") {
  MemoryStreamStore streams;
  PresenceTracker tracker(":memory:", streams);
  REQUIRE(tracker.apply(event(kConnected, "d1", 1, 1)).ok());
  REQUIRE(tracker.apply(event(kConnected, "d1", 2, 2)).ok());     // new connection first
  REQUIRE(tracker.apply(event(kDisconnected, "d1", 1, 3)).ok());  // then the old one ends
  CHECK(tracker.is_connected("d1"));
  REQUIRE(tracker.apply(event(kDisconnected, "d1", 2, 4)).ok());
  CHECK_FALSE(tracker.is_connected("d1"));
}

TEST_CASE("a broker restart disconnects every device of the earlier broker run") {
  MemoryStreamStore streams;
  PresenceTracker tracker(":memory:", streams);
  REQUIRE(tracker.apply(event(kConnected, "d1", 1, 1, 100)).ok());
  REQUIRE(tracker.apply(event(kConnected, "d2", 2, 2, 100)).ok());
  SUBCASE("announced") {
    PresenceEvent started;
    started.kind = PresenceEvent::Kind::broker_started;
    started.broker_run = 200;
    started.seq = 3;
    REQUIRE(tracker.apply(started).ok());
    CHECK_FALSE(tracker.is_connected("d1"));
    CHECK_FALSE(tracker.is_connected("d2"));
  }
  SUBCASE("seen first in a connect of the new run") {
    REQUIRE(tracker.apply(event(kConnected, "d1", 1, 3, 200)).ok());
    CHECK(tracker.is_connected("d1"));
    CHECK_FALSE(tracker.is_connected("d2"));
  }
}

TEST_CASE("presence survives a restart of hubd, and a redelivered event is recorded once") {
  edgehub::test::TempDirectory directory;
  MemoryStreamStore streams;
  {
    PresenceTracker tracker(directory.path() / "presence.db", streams);
    REQUIRE(tracker.apply(event(kConnected, "d1", 1, 1)).ok());
  }
  PresenceTracker restarted(directory.path() / "presence.db", streams);
  CHECK(restarted.is_connected("d1"));
  REQUIRE(restarted.apply(event(kConnected, "d1", 1, 1)).ok());  // broker redelivery
  CHECK(lifecycle(streams).size() == 1);
}

TEST_CASE(
    "a device is subscribed to its commands from its connection's subscribed event until that "
    "connection ends; nothing is recorded for it") {
  MemoryStreamStore streams;
  PresenceTracker tracker(":memory:", streams);
  CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));
  REQUIRE(tracker.apply(event(kConnected, "d1", 1, 1)).ok());
  CHECK(tracker.is_connected("d1"));
  CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));  // connected, no subscription yet
  REQUIRE(tracker.apply(subscribed("d1", 1, 2, "desired")).ok());
  CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));
  REQUIRE(tracker.apply(subscribed("d1", 1, 3)).ok());
  CHECK(tracker.is_subscribed_to_commands("d1"));
  CHECK(lifecycle(streams) == std::vector<std::string>{"d1 connected"});
  REQUIRE(tracker.apply(event(kConnected, "d1", 1, 1)).ok());  // a redelivery changes nothing
  CHECK(tracker.is_subscribed_to_commands("d1"));

  SUBCASE("a new connection starts without the subscription") {
    REQUIRE(tracker.apply(event(kConnected, "d1", 2, 4)).ok());  // session takeover
    CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));
    REQUIRE(tracker.apply(subscribed("d1", 1, 5)).ok());  // the old connection's: ignored
    CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));
    REQUIRE(tracker.apply(subscribed("d1", 2, 6)).ok());
    CHECK(tracker.is_subscribed_to_commands("d1"));
  }
  SUBCASE("a disconnect ends it") {
    REQUIRE(tracker.apply(event(kDisconnected, "d1", 1, 4)).ok());
    CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));
    REQUIRE(tracker.apply(subscribed("d1", 1, 5)).ok());  // late: the connection is gone
    CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));
  }
}

TEST_CASE("after a restart of hubd a device still connected counts as subscribed") {
  edgehub::test::TempDirectory directory;
  MemoryStreamStore streams;
  {
    PresenceTracker tracker(directory.path() / "presence.db", streams);
    REQUIRE(tracker.apply(event(kConnected, "d1", 1, 1)).ok());
    REQUIRE(tracker.apply(event(kConnected, "d2", 2, 2)).ok());
    REQUIRE(tracker.apply(event(kDisconnected, "d2", 2, 3)).ok());
  }
  PresenceTracker restarted(directory.path() / "presence.db", streams);
  CHECK(restarted.is_subscribed_to_commands("d1"));
  CHECK_FALSE(restarted.is_subscribed_to_commands("d2"));
}

TEST_CASE("presence events are parsed strictly") {
  auto parsed = parse_presence_event(
      "$hub/presence/d1",
      R"({"event":"connected","at_ms":5,"broker_run":7,"connection":2,"seq":9})");
  REQUIRE(parsed.ok());
  CHECK(parsed->device_id == "d1");
  CHECK(parsed->connection == 2);
  CHECK(parsed->seq == 9);
  CHECK(
      parse_presence_event("$hub/broker", R"({"event":"started","at_ms":5,"broker_run":7,"seq":1})")
          ->kind == PresenceEvent::Kind::broker_started);
  CHECK_FALSE(parse_presence_event("$hub/presence/d1", R"({"event":"connected"})").ok());
  CHECK_FALSE(parse_presence_event("$hub/presence/../x", R"({})").ok());
  CHECK_FALSE(parse_presence_event("$hub/presence/d1", "nope").ok());
  CHECK(is_presence_topic("$hub/presence/d1"));
  CHECK_FALSE(is_presence_topic("devices/d1/telemetry"));
}

TEST_CASE("a presence.db written before schema versions were kept opens with its devices") {
  test::TempDirectory directory;
  const auto file = directory.path() / "presence.db";
  {
    SQLite::Database old(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec(
        "CREATE TABLE presence (device_id TEXT PRIMARY KEY, connected INTEGER NOT NULL, "
        "last_seen_ms INTEGER NOT NULL, broker_run INTEGER NOT NULL, connection INTEGER NOT "
        "NULL); INSERT INTO presence VALUES ('boiler-1', 1, 1234, 100, 7)");
  }
  MemoryStreamStore streams;
  PresenceTracker tracker(file, streams);
  CHECK(tracker.is_connected("boiler-1"));
  REQUIRE(tracker.all().size() == 1);
  CHECK(tracker.all()[0].last_seen_ms == 1234);
  SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
  CHECK(reader.execAndGet("PRAGMA user_version").getInt() == 1);
}

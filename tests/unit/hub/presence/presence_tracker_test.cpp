#include "presence/presence_tracker.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

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

// One event as a batch of its own (the position: its seq).
// A presence.db as an older hubd left it: the version-1 table with one
// connected device (boiler-1, broker run 100, connection 7), at user_version.
void write_presence_table(const std::filesystem::path& file, int user_version) {
  SQLite::Database old(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  old.exec(
      "CREATE TABLE presence (device_id TEXT PRIMARY KEY, connected INTEGER NOT NULL, "
      "last_seen_ms INTEGER NOT NULL, broker_run INTEGER NOT NULL, connection INTEGER NOT "
      "NULL); INSERT INTO presence VALUES ('boiler-1', 1, 1234, 100, 7); PRAGMA user_version = " +
      std::to_string(user_version));
}

Status apply(PresenceTracker& tracker, const PresenceEvent& event) {
  return tracker.apply_batch(std::span(&event, 1), event.seq);
}

PresenceEvent subscribed(const std::string& device, std::uint64_t connection, std::uint64_t seq,
                         const std::string& topic = "commands", std::uint64_t run = 100) {
  PresenceEvent result = event(PresenceEvent::Kind::subscribed, device, connection, seq, run);
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
  REQUIRE(apply(tracker, event(kConnected, "d1", 1, 1)).ok());
  CHECK(tracker.is_connected("d1"));
  CHECK(tracker.connection_of("d1")->last_seen_ms == 1001);
  REQUIRE(apply(tracker, event(kDisconnected, "d1", 1, 2)).ok());
  CHECK_FALSE(tracker.is_connected("d1"));
  CHECK(tracker.connection_of("d1")->last_seen_ms == 1002);
  CHECK(lifecycle(streams) == std::vector<std::string>{"d1 connected", "d1 disconnected"});
}

TEST_CASE("session takeover: the old connection's late disconnect does not disconnect the device") {
  MemoryStreamStore streams;
  PresenceTracker tracker(":memory:", streams);
  REQUIRE(apply(tracker, event(kConnected, "d1", 1, 1)).ok());
  REQUIRE(apply(tracker, event(kConnected, "d1", 2, 2)).ok());     // new connection first
  REQUIRE(apply(tracker, event(kDisconnected, "d1", 1, 3)).ok());  // then the old one ends
  CHECK(tracker.is_connected("d1"));
  REQUIRE(apply(tracker, event(kDisconnected, "d1", 2, 4)).ok());
  CHECK_FALSE(tracker.is_connected("d1"));
}

TEST_CASE("a broker restart disconnects every device of the earlier broker run") {
  MemoryStreamStore streams;
  PresenceTracker tracker(":memory:", streams);
  REQUIRE(apply(tracker, event(kConnected, "d1", 1, 1, 100)).ok());
  REQUIRE(apply(tracker, event(kConnected, "d2", 2, 2, 100)).ok());
  SUBCASE("announced") {
    PresenceEvent started;
    started.kind = PresenceEvent::Kind::broker_started;
    started.broker_run = 200;
    started.seq = 3;
    REQUIRE(apply(tracker, started).ok());
    CHECK_FALSE(tracker.is_connected("d1"));
    CHECK_FALSE(tracker.is_connected("d2"));
  }
  SUBCASE("seen first in a connect of the new run") {
    // A new run's numbers start at its start time in us, far above the
    // earlier run's (presence_announcer.h).
    REQUIRE(apply(tracker, event(kConnected, "d1", 1, 1000, 200)).ok());
    CHECK(tracker.is_connected("d1"));
    CHECK_FALSE(tracker.is_connected("d2"));
    // d1's old connection ended and its new one began: both are recorded.
    CHECK(lifecycle(streams) ==
          std::vector<std::string>{"d1 connected", "d2 connected", "d1 disconnected",
                                   "d2 disconnected", "d1 connected"});
  }
}

TEST_CASE("presence survives a restart of hubd, and a redelivered event is recorded once") {
  edgehub::test::TempDirectory directory;
  MemoryStreamStore streams;
  {
    PresenceTracker tracker(directory.path() / "presence.db", streams);
    REQUIRE(apply(tracker, event(kConnected, "d1", 1, 1)).ok());
  }
  PresenceTracker restarted(directory.path() / "presence.db", streams);
  CHECK(restarted.is_connected("d1"));
  REQUIRE(apply(restarted, event(kConnected, "d1", 1, 1)).ok());  // broker redelivery
  CHECK(lifecycle(streams).size() == 1);
}

TEST_CASE(
    "a device is subscribed to its commands from its connection's subscribed event until that "
    "connection ends; nothing is recorded for it") {
  MemoryStreamStore streams;
  PresenceTracker tracker(":memory:", streams);
  CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));
  REQUIRE(apply(tracker, event(kConnected, "d1", 1, 1)).ok());
  CHECK(tracker.is_connected("d1"));
  CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));  // connected, no subscription yet
  REQUIRE(apply(tracker, subscribed("d1", 1, 2, "desired")).ok());
  CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));
  REQUIRE(apply(tracker, subscribed("d1", 1, 3)).ok());
  CHECK(tracker.is_subscribed_to_commands("d1"));
  CHECK(lifecycle(streams) == std::vector<std::string>{"d1 connected"});
  REQUIRE(apply(tracker, event(kConnected, "d1", 1, 1)).ok());  // a redelivery changes nothing
  CHECK(tracker.is_subscribed_to_commands("d1"));

  SUBCASE("a new connection starts without the subscription") {
    REQUIRE(apply(tracker, event(kConnected, "d1", 2, 4)).ok());  // session takeover
    CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));
    REQUIRE(apply(tracker, subscribed("d1", 1, 5)).ok());  // the old connection's: ignored
    CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));
    REQUIRE(apply(tracker, subscribed("d1", 2, 6)).ok());
    CHECK(tracker.is_subscribed_to_commands("d1"));
  }
  SUBCASE("a disconnect ends it") {
    REQUIRE(apply(tracker, event(kDisconnected, "d1", 1, 4)).ok());
    CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));
    REQUIRE(apply(tracker, subscribed("d1", 1, 5)).ok());  // late: the connection is gone
    CHECK_FALSE(tracker.is_subscribed_to_commands("d1"));
  }
}

TEST_CASE("after a restart of hubd a device still connected counts as subscribed") {
  edgehub::test::TempDirectory directory;
  MemoryStreamStore streams;
  {
    PresenceTracker tracker(directory.path() / "presence.db", streams);
    REQUIRE(apply(tracker, event(kConnected, "d1", 1, 1)).ok());
    REQUIRE(apply(tracker, event(kConnected, "d2", 2, 2)).ok());
    REQUIRE(apply(tracker, event(kDisconnected, "d2", 2, 3)).ok());
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
  write_presence_table(file, 0);
  MemoryStreamStore streams;
  PresenceTracker tracker(file, streams);
  CHECK(tracker.is_connected("boiler-1"));
  REQUIRE(tracker.all().size() == 1);
  CHECK(tracker.all()[0].last_seen_ms == 1234);
  SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
  CHECK(reader.execAndGet("PRAGMA user_version").getInt() == 2);
}

namespace {

PresenceEvent broker_started(std::uint64_t run, std::uint64_t seq) {
  PresenceEvent started;
  started.kind = PresenceEvent::Kind::broker_started;
  started.broker_run = run;
  started.seq = seq;
  started.at_ms = static_cast<std::int64_t>(1000 + seq);
  return started;
}

// Takeovers, late subscriptions, a new broker run seen first in a connect,
// an announced broker restart.
std::vector<PresenceEvent> busy_sequence() {
  return {event(kConnected, "d1", 1, 1),
          event(kConnected, "d2", 2, 2),
          subscribed("d1", 1, 3),
          event(kConnected, "d1", 3, 4),     // takeover
          event(kDisconnected, "d1", 1, 5),  // the old connection's late end
          subscribed("d1", 1, 6),            // the old connection's: ignored
          subscribed("d2", 2, 7, "desired"),
          subscribed("d1", 3, 8),
          event(kConnected, "d1", 3, 4),       // a redelivery keeps the subscription
          event(kConnected, "d3", 1, 9, 200),  // a new broker run: d1, d2 gone
          subscribed("d2", 2, 10),             // of the earlier run: ignored
          event(kConnected, "d1", 2, 11, 200),
          subscribed("d1", 2, 12, "commands", 200),
          broker_started(300, 13),
          event(kConnected, "d2", 1, 14, 300),
          event(kDisconnected, "d2", 1, 15, 300),
          event(kConnected, "d2", 2, 16, 300),
          subscribed("d2", 2, 17, "commands", 300)};
}

std::string describe(const DeviceConnection& device) {
  return device.device_id + (device.connected ? " connected" : " disconnected") + " run " +
         std::to_string(device.broker_run) + " connection " + std::to_string(device.connection) +
         " seen " + std::to_string(device.last_seen_ms) +
         (device.commands_subscribed ? " subscribed" : "");
}

std::vector<std::string> states(const PresenceTracker& tracker) {
  std::vector<std::string> result;
  for (const DeviceConnection& device : tracker.all()) result.push_back(describe(device));
  return result;
}

std::vector<std::string> records(const StreamStore& streams) {
  std::vector<std::string> result;
  auto read = streams.read(kLifecycleStream, 0, 1000);
  if (!read) return result;
  for (const auto& record : *read) {
    result.push_back(record.device_id + " " + std::to_string(record.seq.value_or(0)) + " " +
                     record.payload);
  }
  return result;
}

// Fails every append while `failing` (a full disk).
class FailingLifecycle final : public StreamStore {
 public:
  Result<AppendResult> append(const NewRecord& record) override {
    if (failing) return make_error(ErrorCode::internal, "disk I/O error");
    return inner.append(record);
  }
  Result<std::vector<AppendResult>> append_batch(std::span<const NewRecord> batch) override {
    if (failing) return make_error(ErrorCode::internal, "disk I/O error");
    return inner.append_batch(batch);
  }
  Result<std::vector<StreamRecord>> read(std::string_view stream, std::uint64_t from,
                                         std::size_t limit) const override {
    return inner.read(stream, from, limit);
  }
  Result<std::vector<StreamInfo>> list() const override { return inner.list(); }

  bool failing = false;
  MemoryStreamStore inner;
};

}  // namespace

TEST_CASE("a batch of events has the outcome of applying them one at a time") {
  const std::vector<PresenceEvent> events = busy_sequence();
  MemoryStreamStore one_by_one_streams;
  PresenceTracker one_by_one(":memory:", one_by_one_streams);
  for (const PresenceEvent& each : events) REQUIRE(apply(one_by_one, each).ok());
  // What the sequence means, so that two equal wrong answers do not pass.
  CHECK(states(one_by_one) ==
        std::vector<std::string>{"d1 disconnected run 200 connection 2 seen 1013",
                                 "d2 connected run 300 connection 2 seen 1016 subscribed",
                                 "d3 disconnected run 200 connection 1 seen 1013"});

  for (std::size_t batch_size : {events.size(), std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
    CAPTURE(batch_size);
    MemoryStreamStore streams;
    PresenceTracker batched(":memory:", streams);
    for (std::size_t at = 0; at < events.size(); at += batch_size) {
      const std::size_t count = std::min(batch_size, events.size() - at);
      REQUIRE(batched.apply_batch(std::span(events).subspan(at, count), at + count).ok());
    }
    CHECK(states(batched) == states(one_by_one));
    CHECK(records(streams) == records(one_by_one_streams));
    CHECK(batched.inbox_position() == events.size());
  }
}

TEST_CASE("a batch whose lifecycle append fails changes nothing, and succeeds when retried") {
  edgehub::test::TempDirectory directory;
  const auto file = directory.path() / "presence.db";
  FailingLifecycle streams;
  PresenceTracker tracker(file, streams);
  const PresenceEvent first = event(kConnected, "d1", 1, 1);
  REQUIRE(tracker.apply_batch(std::span(&first, 1), 1).ok());

  const std::vector<PresenceEvent> batch = {event(kDisconnected, "d1", 1, 2),
                                            event(kConnected, "d2", 1, 3), subscribed("d2", 1, 4)};
  streams.failing = true;
  CHECK_FALSE(tracker.apply_batch(batch, 4).ok());
  CHECK(tracker.is_connected("d1"));
  CHECK_FALSE(tracker.connection_of("d2").has_value());
  CHECK(tracker.inbox_position() == 1);
  {
    PresenceTracker on_disk(file, streams);  // what a restart would find
    CHECK(on_disk.is_connected("d1"));
    CHECK_FALSE(on_disk.connection_of("d2").has_value());
    CHECK(on_disk.inbox_position() == 1);
  }

  streams.failing = false;
  REQUIRE(tracker.apply_batch(batch, 4).ok());
  CHECK_FALSE(tracker.is_connected("d1"));
  CHECK(tracker.is_subscribed_to_commands("d2"));
  CHECK(tracker.inbox_position() == 4);
  CHECK(lifecycle(streams.inner) ==
        std::vector<std::string>{"d1 connected", "d1 disconnected", "d2 connected"});
  PresenceTracker restarted(file, streams);
  CHECK(restarted.inbox_position() == 4);
  CHECK(restarted.is_connected("d2"));
}

TEST_CASE("an empty batch records the inbox position only") {
  MemoryStreamStore streams;
  PresenceTracker tracker(":memory:", streams);
  REQUIRE(tracker.apply_batch({}, 7).ok());
  CHECK(tracker.inbox_position() == 7);
  CHECK(tracker.all().empty());
  CHECK(lifecycle(streams).empty());
}

TEST_CASE("a version-1 presence.db opens with its devices and no inbox position") {
  test::TempDirectory directory;
  const auto file = directory.path() / "presence.db";
  write_presence_table(file, 1);
  MemoryStreamStore streams;
  {
    PresenceTracker tracker(file, streams);
    CHECK(tracker.is_connected("boiler-1"));
    CHECK(tracker.inbox_position() == 0);
    const PresenceEvent ended = event(kDisconnected, "boiler-1", 7, 8);
    REQUIRE(tracker.apply_batch(std::span(&ended, 1), 3).ok());
  }
  PresenceTracker reopened(file, streams);
  CHECK_FALSE(reopened.is_connected("boiler-1"));
  CHECK(reopened.inbox_position() == 3);
  SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
  CHECK(reader.execAndGet("PRAGMA user_version").getInt() == 2);
}

// Every transition of a command's life (queued -> sent -> completed |
// rejected | failed | timed-out, queued -> expired | cancelled), idempotent
// ids, queue limits and recovery after a restart, against the real SQLite
// command store and in-memory broker, registry and presence.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "commands/command_dispatcher.h"
#include "commands/sqlite_command_store.h"
#include "edgehub/protocol/payloads.h"
#include "edgehub/test/temp_directory.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "send_command.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;
using edgehub::test::send_command;

namespace {

std::string answer(const std::string& id, int status, const std::string& payload = "null") {
  return protocol::build_command_response(protocol::CommandResponse{id, status, payload});
}

struct Hub {
  explicit Hub(std::filesystem::path store_file = ":memory:", std::size_t queue_limit = 3)
      : store(SqliteCommandStore::open(store_file)),
        dispatcher(
            registry, broker, streams, clock, [this] { return "c-" + std::to_string(++ids); },
            *store, presence, queue_limit) {
    for (const char* id : {"boiler-1", "boiler-2"}) {
      DeviceRecord record;
      record.id = id;
      record.certificate_sha256 = std::string(64, 'a');
      REQUIRE(registry.add(record).ok());
    }
  }

  CommandRecord queue(const std::string& name = "ping", std::chrono::milliseconds ttl = 60s,
                      const std::string& id = "") {
    CommandSubmission submission;
    submission.device_id = "boiler-1";
    submission.name = name;
    submission.queue = true;
    submission.ttl = ttl;
    submission.timeout = 5s;
    submission.id = id;
    auto queued = dispatcher.submit(submission);
    REQUIRE_MESSAGE(queued.ok(), (queued.ok() ? "" : queued.error().message));
    return *queued;
  }

  CommandRecord stored(const std::string& id) {
    auto found = dispatcher.find(id);
    REQUIRE(found.ok());
    return *found;
  }

  std::vector<std::string> published_ids() const {
    std::vector<std::string> result;
    for (const auto& message : broker.published()) {
      result.push_back(protocol::parse_command(message.payload)->id);
    }
    return result;
  }

  std::atomic<int> ids{0};
  ManualClock clock;
  MemoryDeviceRegistry registry{clock};
  MemoryStreamStore streams;
  MemoryBrokerConnection broker;
  MemoryDevicePresence presence;
  std::unique_ptr<SqliteCommandStore> store;
  CommandDispatcher dispatcher;
};

}  // namespace

TEST_CASE("a queued command for an offline device is not sent until the device connects") {
  Hub hub;
  const CommandRecord queued = hub.queue();
  CHECK(queued.state == CommandState::queued);
  CHECK(queued.queued_by_operator);
  CHECK(queued.expires_at_ms == queued.created_at_ms + 60000);
  REQUIRE(hub.dispatcher.deliver_queued("boiler-1").ok());
  CHECK(hub.broker.published().empty());  // still offline: nothing reaches the broker

  hub.clock.advance_ms(1000);
  hub.presence.set("boiler-1", true);
  REQUIRE(hub.dispatcher.deliver_queued("boiler-1").ok());
  CHECK(hub.published_ids() == std::vector<std::string>{queued.id});
  const CommandRecord sent = hub.stored(queued.id);
  CHECK(sent.state == CommandState::sent);
  CHECK(sent.sent_at_ms == queued.created_at_ms + 1000);
  CHECK(sent.deadline_ms == *sent.sent_at_ms + 5000);

  hub.clock.advance_ms(20);
  REQUIRE(
      hub.dispatcher.on_response("devices/boiler-1/responses", answer(queued.id, 200, "7")).ok());
  const CommandRecord done = hub.stored(queued.id);
  CHECK(done.state == CommandState::completed);
  CHECK(done.response_status == 200);
  CHECK(done.response_payload_json == "7");
  CHECK(done.finished_at_ms == *sent.sent_at_ms + 20);
  CHECK(done.responded_at_ms == done.finished_at_ms);

  // Delivering again (another connect) does not send it twice.
  REQUIRE(hub.dispatcher.deliver_queued("boiler-1").ok());
  CHECK(hub.broker.published().size() == 1);
}

TEST_CASE("queued commands are delivered oldest first, and a connected device gets them at once") {
  Hub hub;
  const auto first = hub.queue("first");
  const auto second = hub.queue("second");
  hub.presence.set("boiler-1", true);
  REQUIRE(hub.dispatcher.deliver_queued("boiler-1").ok());
  CHECK(hub.published_ids() == std::vector<std::string>{first.id, second.id});
  const auto third = hub.queue("third");
  CHECK(third.state == CommandState::sent);
  CHECK(hub.broker.published().size() == 3);
}

TEST_CASE("the device's status decides the final state: 2xx completed, 4xx rejected, else failed") {
  Hub hub;
  hub.presence.set("boiler-1", true);
  const auto cases = {std::pair{204, CommandState::completed},
                      std::pair{404, CommandState::rejected},
                      std::pair{400, CommandState::rejected}, std::pair{500, CommandState::failed},
                      std::pair{302, CommandState::failed}};
  for (const auto& [status, expected] : cases) {
    const auto command = hub.queue();
    REQUIRE(
        hub.dispatcher.on_response("devices/boiler-1/responses", answer(command.id, status)).ok());
    CHECK_MESSAGE(hub.stored(command.id).state == expected, "status " << status);
  }
}

TEST_CASE("a queued command not delivered before its TTL expires and is never sent") {
  Hub hub;
  const auto command = hub.queue("ping", 1s);
  hub.clock.advance_ms(999);
  REQUIRE(hub.dispatcher.sweep().ok());
  CHECK(hub.stored(command.id).state == CommandState::queued);
  hub.clock.advance_ms(1);
  REQUIRE(hub.dispatcher.sweep().ok());
  const auto expired = hub.stored(command.id);
  CHECK(expired.state == CommandState::expired);
  CHECK(expired.finished_at_ms == command.created_at_ms + 1000);
  CHECK_FALSE(expired.sent_at_ms.has_value());
  hub.presence.set("boiler-1", true);
  REQUIRE(hub.dispatcher.deliver_queued("boiler-1").ok());
  CHECK(hub.broker.published().empty());
}

TEST_CASE("a device that comes back after the TTL does not get the expired command") {
  Hub hub;
  const auto command = hub.queue("ping", 1s);
  hub.clock.advance_ms(5000);  // no sweep ran meanwhile
  hub.presence.set("boiler-1", true);
  REQUIRE(hub.dispatcher.deliver_queued("boiler-1").ok());
  CHECK(hub.broker.published().empty());
  CHECK(hub.stored(command.id).state == CommandState::expired);
}

TEST_CASE("the operator cancels a queued command; a sent or final one cannot be cancelled") {
  Hub hub;
  const auto command = hub.queue();
  auto cancelled = hub.dispatcher.cancel(command.id);
  REQUIRE(cancelled.ok());
  CHECK(cancelled->state == CommandState::cancelled);
  CHECK(cancelled->finished_at_ms.has_value());
  hub.presence.set("boiler-1", true);
  REQUIRE(hub.dispatcher.deliver_queued("boiler-1").ok());
  CHECK(hub.broker.published().empty());
  CHECK(hub.dispatcher.cancel(command.id).error().code == ErrorCode::conflict);

  const auto sent = hub.queue();
  REQUIRE(sent.state == CommandState::sent);
  auto refused = hub.dispatcher.cancel(sent.id);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK(refused.error().message.find("sent") != std::string::npos);
  CHECK(hub.dispatcher.cancel("c-nope").error().code == ErrorCode::not_found);
}

TEST_CASE("each device's queue has a depth limit; a full queue refuses new commands") {
  Hub hub(":memory:", 2);
  hub.queue();
  hub.queue();
  CommandSubmission third;
  third.device_id = "boiler-1";
  third.name = "ping";
  third.queue = true;
  auto refused = hub.dispatcher.submit(third);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::too_large);
  third.device_id = "boiler-2";  // another device's queue is its own
  CHECK(hub.dispatcher.submit(third).ok());
}

TEST_CASE(
    "a sent command whose device drops offline without answering times out; a late answer "
    "is recorded, not applied") {
  Hub hub;
  hub.presence.set("boiler-1", true);
  const auto command = hub.queue();
  REQUIRE(command.state == CommandState::sent);
  hub.presence.set("boiler-1", false);  // the device drops in the middle of the command
  hub.clock.advance_ms(4999);
  REQUIRE(hub.dispatcher.sweep().ok());
  CHECK(hub.stored(command.id).state == CommandState::sent);
  hub.clock.advance_ms(1);
  REQUIRE(hub.dispatcher.sweep().ok());
  CHECK(hub.stored(command.id).state == CommandState::timed_out);

  // It comes back and answers late: kept on the command, the state stays.
  hub.presence.set("boiler-1", true);
  REQUIRE(hub.dispatcher.deliver_queued("boiler-1").ok());
  CHECK(hub.broker.published().size() == 1);  // not sent again
  REQUIRE(hub.dispatcher.on_response("devices/boiler-1/responses", answer(command.id, 200)).ok());
  const auto late = hub.stored(command.id);
  CHECK(late.state == CommandState::timed_out);
  CHECK(late.response_status == 200);
  CHECK(late.responded_at_ms.has_value());
  CHECK(hub.dispatcher.dead_lettered_responses() == 1);
}

TEST_CASE("a synchronous command to an offline device expires unsent at its timeout") {
  Hub hub;
  const auto started = std::chrono::steady_clock::now();
  auto outcome = send_command(hub.dispatcher, "boiler-1", "ping", "null", 150ms);
  CHECK(std::chrono::steady_clock::now() - started >= 150ms);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == ErrorCode::timeout);
  CHECK(outcome.error().message.find("not connected") != std::string::npos);
  CHECK(hub.broker.published().empty());
  auto listed = hub.dispatcher.list({});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().state == CommandState::expired);
}

TEST_CASE("a synchronous command reaches a device that connects while the operator waits") {
  Hub hub;
  hub.broker.on_publish([&](const PublishedMessage& message) {
    const auto id = protocol::parse_command(message.payload)->id;
    CHECK(hub.dispatcher.on_response("devices/boiler-1/responses", answer(id, 200, "1")).ok());
  });
  std::thread device([&] {
    std::this_thread::sleep_for(50ms);
    hub.presence.set("boiler-1", true);
    CHECK(hub.dispatcher.deliver_queued("boiler-1").ok());
  });
  auto outcome = send_command(hub.dispatcher, "boiler-1", "ping", "null", 5000ms);
  device.join();
  REQUIRE(outcome.ok());
  CHECK(outcome->status == 200);
  CHECK(hub.stored(outcome->id).state == CommandState::completed);
}

TEST_CASE(
    "a synchronous command for a device connected but not yet subscribed waits for the "
    "subscription, then is sent and answered") {
  Hub hub;
  hub.presence.set("boiler-1", true);
  hub.presence.set_subscribed_to_commands("boiler-1", false);
  hub.broker.on_publish([&](const PublishedMessage& message) {
    const auto id = protocol::parse_command(message.payload)->id;
    CHECK(hub.dispatcher.on_response("devices/boiler-1/responses", answer(id, 200, "1")).ok());
  });
  std::size_t published_before_subscription = 99;
  std::thread device([&] {
    std::this_thread::sleep_for(100ms);
    published_before_subscription = hub.broker.published().size();
    hub.clock.advance_ms(100);
    hub.presence.set_subscribed_to_commands("boiler-1", true);
    CHECK(hub.dispatcher.deliver_queued("boiler-1").ok());
  });
  auto outcome = send_command(hub.dispatcher, "boiler-1", "ping", "null", 5000ms);
  device.join();
  CHECK(published_before_subscription == 0);  // nothing published into no subscription
  REQUIRE(outcome.ok());
  CHECK(outcome->status == 200);
  const CommandRecord done = hub.stored(outcome->id);
  CHECK(done.state == CommandState::completed);
  CHECK(done.sent_at_ms == done.created_at_ms + 100);
  // The operator's timeout still counts from the request.
  CHECK(done.deadline_ms == done.created_at_ms + 5000);
  CHECK(hub.broker.published().size() == 1);
}

TEST_CASE("a synchronous command for a device that never subscribes expires unsent") {
  Hub hub;
  hub.presence.set("boiler-1", true);
  hub.presence.set_subscribed_to_commands("boiler-1", false);
  auto outcome = send_command(hub.dispatcher, "boiler-1", "ping", "null", 150ms);
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == ErrorCode::timeout);
  CHECK(outcome.error().message.find("subscribed") != std::string::npos);
  CHECK(hub.broker.published().empty());
  auto listed = hub.dispatcher.list({});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().state == CommandState::expired);
}

TEST_CASE("a queued command for a connected device that has not subscribed waits for it") {
  Hub hub;
  hub.presence.set("boiler-1", true);
  hub.presence.set_subscribed_to_commands("boiler-1", false);
  const auto command = hub.queue();
  CHECK(command.state == CommandState::queued);
  REQUIRE(hub.dispatcher.deliver_queued("boiler-1").ok());
  CHECK(hub.broker.published().empty());
  hub.presence.set_subscribed_to_commands("boiler-1", true);
  REQUIRE(hub.dispatcher.deliver_queued("boiler-1").ok());
  CHECK(hub.published_ids() == std::vector<std::string>{command.id});
}

TEST_CASE("a command id sent twice is executed once and both callers get its outcome") {
  Hub hub;
  hub.presence.set("boiler-1", true);
  hub.broker.on_publish([&](const PublishedMessage& message) {
    const auto id = protocol::parse_command(message.payload)->id;
    CHECK(hub.dispatcher.on_response("devices/boiler-1/responses", answer(id, 200, "42")).ok());
  });
  CommandSubmission submission;
  submission.device_id = "boiler-1";
  submission.name = "reboot";
  submission.id = "op-42";
  auto first = hub.dispatcher.submit(submission);
  auto second = hub.dispatcher.submit(submission);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(first->id == "op-42");
  CHECK(second->id == "op-42");
  CHECK(second->response_payload_json == "42");
  CHECK(hub.broker.published().size() == 1);

  SUBCASE("queued with the same id: the existing command, not a new one") {
    submission.queue = true;
    auto again = hub.dispatcher.submit(submission);
    REQUIRE(again.ok());
    CHECK(again->state == CommandState::completed);
    CHECK(hub.broker.published().size() == 1);
  }
  SUBCASE("the same id for another command is a conflict") {
    submission.name = "ping";
    CHECK(hub.dispatcher.submit(submission).error().code == ErrorCode::conflict);
  }
}

TEST_CASE("a second caller with an id in flight waits for the first one's outcome") {
  Hub hub;
  hub.presence.set("boiler-1", true);
  std::string in_flight;
  hub.broker.on_publish([&](const PublishedMessage& message) {
    in_flight = protocol::parse_command(message.payload)->id;
  });
  CommandSubmission submission;
  submission.device_id = "boiler-1";
  submission.name = "ping";
  submission.id = "op-7";
  submission.timeout = 3s;
  std::thread first([&] { CHECK(hub.dispatcher.submit(submission).ok()); });
  while (!hub.dispatcher.find("op-7").ok()) std::this_thread::sleep_for(1ms);
  std::thread device([&] {
    std::this_thread::sleep_for(50ms);
    CHECK(hub.dispatcher.on_response("devices/boiler-1/responses", answer("op-7", 200)).ok());
  });
  auto second = hub.dispatcher.submit(submission);
  first.join();
  device.join();
  REQUIRE(second.ok());
  CHECK(second->state == CommandState::completed);
  CHECK(hub.broker.published().size() == 1);
}

TEST_CASE(
    "after a restart, sent commands past their deadline are timed-out and queued ones stay "
    "queued or expire") {
  edgehub::test::TempDirectory directory;
  const auto file = directory.path() / "commands.db";
  std::string queued_id, short_ttl_id, sent_id;
  std::int64_t crash_time = 0;
  {
    Hub before(file);
    queued_id = before.queue("later", 3600s).id;  // device offline: queued
    short_ttl_id = before.queue("soon", 2s).id;
    before.presence.set("boiler-2", true);
    CommandSubmission in_flight;
    in_flight.device_id = "boiler-2";
    in_flight.name = "ping";
    in_flight.queue = true;
    in_flight.timeout = 5s;
    sent_id = before.dispatcher.submit(in_flight)->id;
    REQUIRE(before.stored(sent_id).state == CommandState::sent);
    crash_time = before.clock.now_ms();
  }  // the hub dies here: no shutdown, the store is all that is left

  Hub after(file);
  after.clock.advance_ms(crash_time + 10000 - after.clock.now_ms());  // back 10 s later
  REQUIRE(after.dispatcher.sweep().ok());                             // what hubd does at start
  CHECK(after.stored(sent_id).state == CommandState::timed_out);      // 5 s deadline passed
  CHECK(after.stored(short_ttl_id).state == CommandState::expired);   // 2 s TTL passed
  CHECK(after.stored(queued_id).state == CommandState::queued);       // 1 h TTL: still queued
  auto in_flight = after.dispatcher.list({.state = CommandState::sent});
  REQUIRE(in_flight.ok());
  CHECK(in_flight->empty());  // nothing stuck
  after.presence.set("boiler-1", true);
  REQUIRE(after.dispatcher.deliver_queued("boiler-1").ok());
  CHECK(after.published_ids() == std::vector<std::string>{queued_id});
}

TEST_CASE("an answer that arrives after a restart, before the deadline, completes the command") {
  edgehub::test::TempDirectory directory;
  const auto file = directory.path() / "commands.db";
  std::string id;
  {
    Hub before(file);
    before.presence.set("boiler-1", true);
    id = before.queue().id;
    REQUIRE(before.stored(id).state == CommandState::sent);
  }
  Hub after(file);
  REQUIRE(after.dispatcher.sweep().ok());
  CHECK(after.stored(id).state == CommandState::sent);
  REQUIRE(after.dispatcher.on_response("devices/boiler-1/responses", answer(id, 200)).ok());
  CHECK(after.stored(id).state == CommandState::completed);
}

TEST_CASE("listing filters by device and state, newest first") {
  Hub hub;
  const auto a = hub.queue("a");
  hub.clock.advance_ms(1);
  const auto b = hub.queue("b");
  REQUIRE(hub.dispatcher.cancel(a.id).ok());
  auto queued = hub.dispatcher.list({.device_id = "boiler-1", .state = CommandState::queued});
  REQUIRE(queued.ok());
  REQUIRE(queued->size() == 1);
  CHECK(queued->front().id == b.id);
  auto all = hub.dispatcher.list({.device_id = "boiler-1"});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK(all->front().id == b.id);
  auto other = hub.dispatcher.list({.device_id = "boiler-2"});
  REQUIRE(other.ok());
  CHECK(other->empty());
}

TEST_CASE("a synchronous command for a connected device is recorded as sent when it is created") {
  Hub hub;
  hub.presence.set("boiler-1", true);
  std::optional<CommandRecord> seen_at_publish;
  hub.broker.on_publish([&](const PublishedMessage& message) {
    const auto id = protocol::parse_command(message.payload)->id;
    seen_at_publish = hub.stored(id);
    CHECK(hub.dispatcher.on_response("devices/boiler-1/responses", answer(id, 200)).ok());
  });
  auto outcome = send_command(hub.dispatcher, "boiler-1", "ping", "null", 5000ms);
  REQUIRE(outcome.ok());
  REQUIRE(seen_at_publish.has_value());
  CHECK(seen_at_publish->state == CommandState::sent);
  CHECK(seen_at_publish->sent_at_ms == seen_at_publish->created_at_ms);
  CHECK(seen_at_publish->deadline_ms == seen_at_publish->created_at_ms + 5000);
  CHECK(hub.stored(outcome->id).state == CommandState::completed);
}

TEST_CASE("retention deletes final commands older than the age limit and never a pending one") {
  Hub hub;
  hub.dispatcher.set_retention({std::chrono::hours(1), 1000});
  hub.presence.set("boiler-1", true);
  const auto answered = hub.queue("answered");  // sent at once: the device is connected
  REQUIRE(hub.dispatcher.on_response("devices/boiler-1/responses", answer(answered.id, 200)).ok());
  hub.presence.set("boiler-1", false);
  const auto cancelled = hub.queue("cancelled");
  REQUIRE(hub.dispatcher.cancel(cancelled.id).ok());
  const auto waiting = hub.queue("waiting", 48h);  // stays queued for two days
  hub.clock.advance_ms(60 * 60 * 1000 - 1);
  auto pruned = hub.dispatcher.prune();
  REQUIRE(pruned.ok());
  CHECK(*pruned == 0);
  hub.clock.advance_ms(1);
  const auto recent = hub.queue("recent");
  REQUIRE(hub.dispatcher.cancel(recent.id).ok());
  hub.clock.advance_ms(1);
  pruned = hub.dispatcher.prune();
  REQUIRE(pruned.ok());
  CHECK(*pruned == 2);
  CHECK(hub.dispatcher.find(answered.id).error().code == ErrorCode::not_found);
  CHECK(hub.dispatcher.find(cancelled.id).error().code == ErrorCode::not_found);
  CHECK(hub.stored(waiting.id).state == CommandState::queued);
  CHECK(hub.stored(recent.id).state == CommandState::cancelled);
}

TEST_CASE(
    "retention keeps at most the configured number of final commands, earliest finished "
    "deleted first") {
  Hub hub(":memory:", 10);
  hub.dispatcher.set_retention({std::chrono::hours(24), 2});
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    const auto command = hub.queue("c" + std::to_string(i));
    ids.push_back(command.id);
    hub.clock.advance_ms(10);
  }
  const auto pending = hub.queue("pending");
  // Finished in the order 2, 0, 3, 1: the first two to finish go.
  for (int i : {2, 0, 3, 1}) {
    REQUIRE(hub.dispatcher.cancel(ids[static_cast<std::size_t>(i)]).ok());
    hub.clock.advance_ms(10);
  }
  auto pruned = hub.dispatcher.prune();
  REQUIRE(pruned.ok());
  CHECK(*pruned == 2);
  CHECK(hub.dispatcher.find(ids[2]).error().code == ErrorCode::not_found);
  CHECK(hub.dispatcher.find(ids[0]).error().code == ErrorCode::not_found);
  CHECK(hub.stored(ids[3]).state == CommandState::cancelled);
  CHECK(hub.stored(ids[1]).state == CommandState::cancelled);
  CHECK(hub.stored(pending.id).state == CommandState::queued);
}

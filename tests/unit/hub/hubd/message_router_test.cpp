#include "hubd/message_router.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <thread>

#include "commands/command_dispatcher.h"
#include "commands/memory_command_store.h"
#include "ingest/telemetry_ingestor.h"
#include "journal/group_commit.h"
#include "journal/memory_journal.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

struct StoreBroken {
  Error error;
};

// The router in front of hubd's real telemetry path: journal, group commit,
// ingestor, over an in-memory journal and store.
struct Fixture {
  Fixture() { group.start(); }

  std::size_t records(std::string_view stream) {
    group.wait_until_committed(5s);
    auto read = store.read(stream, 0, 100);
    return read ? read->size() : 0;
  }

  ManualClock clock;
  MemoryStreamStore store;
  MemoryDeviceRegistry registry{clock};
  MemoryBrokerConnection broker;
  TelemetryIngestor ingestor{store, IngestLimits{}};
  MemoryJournal journal;
  GroupCommit group{
      journal,
      [this](std::span<const JournalEntry> entries) {
        return ingestor.ingest_batch(entries, SourcePosition{"journal", entries.back().sequence});
      },
      GroupCommitSettings{}, [](const Error&) {}};
  MemoryCommandStore command_store;
  MemoryDevicePresence presence{/*connected_by_default=*/true};
  CommandDispatcher commands{
      registry, broker, store, clock, [] { return std::string("c-1"); }, command_store, presence};
  std::vector<std::chrono::milliseconds> slept;
  std::vector<std::string> twin_reports;
  std::vector<std::string> presence_events;
  Status presence_status = ok_status();
  // What the receive guard noted: survives a "restart" (a new router).
  MemoryCommitAttempts notes;
  ReceiveGuard guard{notes, 2};

  InboundHandlers handlers() {
    return InboundHandlers{
        .telemetry =
            [this](std::string_view topic, std::string_view payload, std::int64_t received_at_ms) {
              return group.submit(received_at_ms, topic, payload);
            },
        .response = [this](
                        std::string_view topic,
                        std::string_view payload) { return commands.on_response(topic, payload); },
        .twin_report =
            [this](std::string_view, std::string_view payload) {
              if (payload == "crash") throw std::runtime_error("hubd dies here");
              twin_reports.emplace_back(payload);
              return ok_status();
            },
        .presence =
            [this](std::string_view topic, std::string_view) {
              presence_events.emplace_back(topic);
              return presence_status;
            },
        .set_aside =
            [this](std::string_view topic, std::string_view payload, const std::string& reason,
                   std::int64_t received_at_ms) {
              return status_of(
                  store.append(make_dead_letter(topic, "a", payload, reason, received_at_ms)));
            }};
  }

  MessageRouter new_router() {
    return MessageRouter{handlers(),
                         clock,
                         StoreRetryPolicy{{10ms, 20ms, 30ms}},
                         [](const Error& error) { throw StoreBroken{error}; },
                         &guard,
                         [this](std::chrono::milliseconds delay) {
                           slept.push_back(delay);
                           clock.advance_ms(delay.count());  // time passes while retrying
                         }};
  }
  MessageRouter router = new_router();
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "telemetry is in the journal before the handler returns") {
  group.stop();  // nothing reaches the store: only the journal holds it
  router.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false});
  const std::vector<JournalEntry> held = journal.unreleased();
  REQUIRE(held.size() == 1);
  CHECK(held[0].topic == "devices/a/telemetry");
  CHECK(held[0].payload == R"({"seq":1,"data":2})");
  CHECK(slept.empty());
}

TEST_CASE_FIXTURE(Fixture, "journaled telemetry reaches the telemetry stream") {
  router.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false});
  CHECK(records(kTelemetryStream) == 1);
  CHECK(journal.unreleased().empty());
}

TEST_CASE_FIXTURE(Fixture, "responses go to the command dispatcher") {
  router.handle(IncomingMessage{"devices/a/responses", R"({"id":"c-9","status":200})", 1, false});
  CHECK(records(kTelemetryStream) == 0);
  REQUIRE(records(kDeadLetterStream) == 1);  // nobody waits for c-9
  auto dead = store.read(kDeadLetterStream, 0, 1);
  CHECK(dead->front().reason->find("not waiting for") != std::string::npos);
}

TEST_CASE_FIXTURE(Fixture, "anything else is dead-lettered, never dropped") {
  router.handle(IncomingMessage{"devices/a/other", "x", 1, false});
  router.handle(IncomingMessage{"elsewhere", "y", 0, false});
  CHECK(records(kDeadLetterStream) == 2);
}

TEST_CASE_FIXTURE(Fixture, "a journal that recovers is retried with the policy's delays") {
  journal.fail_appends(2);
  router.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false});
  CHECK(records(kTelemetryStream) == 1);
  CHECK(slept == std::vector<std::chrono::milliseconds>{10ms, 20ms});
}

TEST_CASE_FIXTURE(Fixture, "a store outage is retried at the last delay for as long as it lasts") {
  journal.fail_appends(8);
  router.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false});
  CHECK(slept ==
        std::vector<std::chrono::milliseconds>{10ms, 20ms, 30ms, 30ms, 30ms, 30ms, 30ms, 30ms});
  CHECK(records(kTelemetryStream) == 1);
  const MessageRouter::StoreState state = router.store_state();
  CHECK(state.failing_since_ms == 0);  // over
  CHECK(state.failed_attempts == 8);
}

TEST_CASE_FIXTURE(Fixture, "health sees the outage while it lasts") {
  journal.fail_appends(3);
  std::vector<MessageRouter::StoreState> seen;
  MessageRouter watched{handlers(),
                        clock,
                        StoreRetryPolicy{{10ms}},
                        [](const Error& error) { throw StoreBroken{error}; },
                        &guard,
                        [&](std::chrono::milliseconds delay) {
                          seen.push_back(watched.store_state());
                          clock.advance_ms(delay.count());
                        }};
  const std::int64_t arrived = clock.now_ms();
  watched.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false});
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].failing_since_ms == arrived);
  CHECK(seen[2].failing_since_ms == arrived);  // since the first failure
  CHECK_FALSE(seen[0].last_error.empty());
  CHECK(watched.store_state().failing_since_ms == 0);
}

TEST_CASE_FIXTURE(Fixture, "stop() during an outage never lets the handler return normally") {
  journal.fail_appends(1000);
  MessageRouter stopping{handlers(),
                         clock,
                         StoreRetryPolicy{{10ms, 20ms}},
                         [](const Error& error) { throw StoreBroken{error}; },
                         &guard,
                         [&](std::chrono::milliseconds delay) {
                           slept.push_back(delay);
                           if (slept.size() == 5) stopping.stop();  // hubd stops meanwhile
                         }};
  try {
    stopping.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false});
    FAIL("the handler returned: the message would have been acknowledged");
  } catch (const StoreBroken& broken) {
    CHECK(broken.error.code == ErrorCode::internal);
  }
  CHECK(slept == std::vector<std::chrono::milliseconds>{10ms, 20ms, 20ms, 20ms, 20ms});
  CHECK(records(kTelemetryStream) == 0);
}

TEST_CASE("without an injected sleep, stop() ends the wait at once") {
  ManualClock clock;
  InboundHandlers handlers;
  handlers.presence = [](std::string_view, std::string_view) -> Status {
    return make_error(ErrorCode::internal, "disk full");
  };
  MessageRouter router{handlers, clock, StoreRetryPolicy{{60000ms}},
                       [](const Error& error) { throw StoreBroken{error}; }};
  std::thread stopper([&] {
    while (router.store_state().failing_since_ms == 0) std::this_thread::sleep_for(1ms);
    router.stop();
  });
  const auto began = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(router.handle(IncomingMessage{"$hub/presence/a", "{}", 1, false}), StoreBroken);
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - began < 10s);
}

TEST_CASE_FIXTURE(Fixture, "every attempt records the first arrival time") {
  journal.fail_appends(1);
  const auto arrived = clock.now_ms();
  router.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false});
  REQUIRE(records(kTelemetryStream) == 1);
  auto stored = store.read(kTelemetryStream, 0, 1);
  CHECK(clock.now_ms() > arrived);
  CHECK(stored->front().received_at_ms == arrived);
}

TEST_CASE("each topic is classified once, by its shape") {
  CHECK(classify_inbound_topic("devices/a/telemetry") == InboundKind::telemetry);
  CHECK(classify_inbound_topic("devices/a/responses") == InboundKind::response);
  CHECK(classify_inbound_topic("devices/a/reported") == InboundKind::twin_report);
  CHECK(classify_inbound_topic("$hub/presence/a") == InboundKind::presence);
  CHECK(classify_inbound_topic("devices/a/other") ==
        InboundKind::telemetry);  // dead-lettered there
  CHECK(classify_inbound_topic("elsewhere") == InboundKind::telemetry);
}

TEST_CASE_FIXTURE(Fixture, "twin reports and presence events reach their handlers") {
  router.handle(IncomingMessage{"devices/a/reported", R"({"version":1})", 1, false});
  router.handle(IncomingMessage{"$hub/presence/a", "{}", 1, false});
  CHECK(twin_reports == std::vector<std::string>{R"({"version":1})"});
  CHECK(presence_events == std::vector<std::string>{"$hub/presence/a"});
  CHECK(records(kTelemetryStream) == 0);
}

TEST_CASE_FIXTURE(Fixture, "a retained delivery is a replay and is ignored") {
  router.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false, true});
  router.handle(IncomingMessage{"devices/a/reported", R"({"version":1})", 1, false, true});
  CHECK(records(kTelemetryStream) == 0);
  CHECK(twin_reports.empty());
  CHECK(journal.unreleased().empty());
}

TEST_CASE_FIXTURE(Fixture, "presence failures get the same retry policy as the store") {
  presence_status = make_error(ErrorCode::internal, "disk I/O error");
  MessageRouter stopping{handlers(),
                         clock,
                         StoreRetryPolicy{{10ms, 20ms, 30ms}},
                         [](const Error& error) { throw StoreBroken{error}; },
                         &guard,
                         [&](std::chrono::milliseconds delay) {
                           slept.push_back(delay);
                           if (slept.size() == 4) stopping.stop();
                         }};
  CHECK_THROWS_AS(stopping.handle(IncomingMessage{"$hub/presence/a", "{}", 1, false}), StoreBroken);
  CHECK(presence_events.size() == 4);  // once and three retries; stopped in the fourth wait
  CHECK(slept == std::vector<std::chrono::milliseconds>{10ms, 20ms, 30ms, 30ms});
}

TEST_CASE_FIXTURE(Fixture, "a twin report hubd dies on twice is set aside at the third delivery") {
  const IncomingMessage poison{"devices/a/reported", "crash", 1, false};
  // Each "death" leaves the guard's note behind, as a killed process would.
  CHECK_THROWS(router.handle(poison));
  CHECK(notes.at_open().attempt == 1);
  {
    MessageRouter restarted = new_router();
    CHECK_THROWS(restarted.handle(poison));
  }
  CHECK(notes.at_open().attempt == 2);
  MessageRouter third_start = new_router();
  third_start.handle(poison);  // the broker's third delivery
  CHECK_FALSE(notes.at_open().in_progress());
  REQUIRE(records(kDeadLetterStream) == 1);
  auto dead = store.read(kDeadLetterStream, 0, 1);
  CHECK(dead->front().payload == "crash");
  CHECK(*dead->front().reason == "hubd stopped while processing this message 2 times; set aside");
  // Other reports are handled normally afterwards.
  third_start.handle(IncomingMessage{"devices/a/reported", R"({"version":2})", 1, false});
  CHECK(twin_reports == std::vector<std::string>{R"({"version":2})"});
}

TEST_CASE_FIXTURE(Fixture, "a message handled after a death clears the note: no false set-aside") {
  CHECK_THROWS(router.handle(IncomingMessage{"devices/a/reported", "crash", 1, false}));
  router.handle(IncomingMessage{"devices/a/reported", R"({"version":1})", 1, false});
  CHECK_FALSE(notes.at_open().in_progress());
  router.handle(IncomingMessage{"devices/a/reported", R"({"version":1})", 1, false});
  CHECK(twin_reports.size() == 2);
  CHECK(records(kDeadLetterStream) == 0);
}

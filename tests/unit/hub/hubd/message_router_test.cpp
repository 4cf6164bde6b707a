#include "hubd/message_router.h"

#include <doctest/doctest.h>

#include "ingest/telemetry_ingestor.h"
#include "journal/group_commit.h"
#include "journal/memory_journal.h"
#include "mqtt/memory_broker_connection.h"
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
  GroupCommit group{journal,
                    [this](std::span<const JournalEntry> entries) {
                      return ingestor.ingest_batch(
                          entries, SourcePosition{"journal", entries.back().sequence});
                    },
                    GroupCommitSettings{}, [](const Error&) {}};
  CommandDispatcher commands{registry, broker, store, clock, [] { return std::string("c-1"); }};
  std::vector<std::chrono::milliseconds> slept;
  MessageRouter router{[this](std::string_view topic, std::string_view payload,
                              std::int64_t received_at_ms) {
                         return group.submit(received_at_ms, topic, payload);
                       },
                       commands,
                       clock,
                       StoreRetryPolicy{{10ms, 20ms, 30ms}},
                       [](const Error& error) { throw StoreBroken{error}; },
                       [this](std::chrono::milliseconds delay) {
                         slept.push_back(delay);
                         clock.advance_ms(delay.count());  // time passes while retrying
                       }};
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

TEST_CASE_FIXTURE(Fixture, "a journal that stays broken never lets the handler return normally") {
  journal.fail_appends(1000);
  try {
    router.handle(IncomingMessage{"devices/a/telemetry", R"({"seq":1,"data":2})", 1, false});
    FAIL("the handler returned: the message would have been acknowledged");
  } catch (const StoreBroken& broken) {
    CHECK(broken.error.code == ErrorCode::internal);
  }
  CHECK(slept == std::vector<std::chrono::milliseconds>{10ms, 20ms, 30ms});
  CHECK(records(kTelemetryStream) == 0);
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

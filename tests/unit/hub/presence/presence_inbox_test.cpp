#include "presence/presence_inbox.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "edgehub/test/temp_directory.h"
#include "journal/file_commit_attempts.h"
#include "presence/device_limit_hits.h"
#include "presence/presence_tracker.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

std::string device_topic(const std::string& device) { return "$hub/presence/" + device; }

std::string connection_event(const char* what, std::uint64_t connection, std::uint64_t seq) {
  return nlohmann::json{{"event", what},
                        {"at_ms", 1000 + seq},
                        {"broker_run", 100},
                        {"connection", connection},
                        {"seq", seq}}
      .dump();
}

std::string subscribed_event(const char* to, std::uint64_t connection, std::uint64_t seq) {
  return nlohmann::json{{"event", "subscribed"},    {"at_ms", 1000 + seq}, {"broker_run", 100},
                        {"connection", connection}, {"seq", seq},          {"topic", to}}
      .dump();
}

template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 5s) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

std::size_t lifecycle_count(const MemoryStreamStore& streams) {
  auto records = streams.read(kLifecycleStream, 0, 1000);
  return records ? records->size() : 0;
}

// A hub's presence state in a temporary directory: presence.db and the
// inbox's journal, reopened as a restarted hubd would.
struct PresenceFiles {
  test::TempDirectory directory;
  MemoryStreamStore streams;  // the lifecycle and dead-letter streams
  DeviceLimitHits limit_hits{streams};

  std::filesystem::path database() const { return directory.path() / "presence.db"; }
  PresenceInboxSettings settings() const {
    PresenceInboxSettings settings;
    settings.journal_dir = directory.path() / "journal" / "presence";
    return settings;
  }
};

}  // namespace

TEST_CASE(
    "submitted events are applied off the caller's thread; follow-ups run in event order once "
    "the batch is durable; a bad event is skipped") {
  PresenceFiles files;
  PresenceTracker tracker(files.database(), files.streams);
  std::mutex mutex;
  std::vector<std::string> follow_ups;
  bool subscribed_when_told = false;
  PresenceFollowUps hooks;
  hooks.subscribed_to_commands = [&](const std::string& device) {
    std::lock_guard lock(mutex);
    subscribed_when_told = tracker.is_subscribed_to_commands(device);
    follow_ups.push_back("commands " + device);
  };
  hooks.subscribed_to_desired = [&](const std::string& device) {
    std::lock_guard lock(mutex);
    follow_ups.push_back("desired " + device);
  };
  PresenceInbox inbox(tracker, files.limit_hits, files.streams, hooks, files.settings());
  inbox.start();
  REQUIRE(inbox.submit(1, device_topic("d1"), connection_event("connected", 1, 1)).ok());
  REQUIRE(inbox.submit(2, device_topic("d1"), "not json").ok());
  REQUIRE(inbox.submit(3, device_topic("d1"), subscribed_event("desired", 1, 2)).ok());
  REQUIRE(inbox.submit(4, device_topic("d1"), subscribed_event("commands", 1, 3)).ok());
  REQUIRE(eventually([&] { return tracker.inbox_position() == 4; }));
  CHECK(tracker.is_subscribed_to_commands("d1"));
  std::lock_guard lock(mutex);
  CHECK(follow_ups == std::vector<std::string>{"desired d1", "commands d1"});
  CHECK(subscribed_when_told);
  CHECK(lifecycle_count(files.streams) == 1);
  CHECK(inbox.stats().backlog == 0);
}

TEST_CASE(
    "submit returns once the event is journaled, while the batch before it is still applied") {
  PresenceFiles files;
  PresenceTracker tracker(files.database(), files.streams);
  std::mutex mutex;
  std::condition_variable changed;
  bool inside = false;
  bool release = false;
  PresenceFollowUps hooks;
  // Stands for a slow presence.db or streams.db: the inbox's thread is held here.
  hooks.subscribed_to_commands = [&](const std::string&) {
    std::unique_lock lock(mutex);
    inside = true;
    changed.notify_all();
    changed.wait(lock, [&] { return release; });
  };
  PresenceInbox inbox(tracker, files.limit_hits, files.streams, hooks, files.settings());
  inbox.start();
  REQUIRE(inbox.submit(1, device_topic("d0"), connection_event("connected", 1, 1)).ok());
  REQUIRE(inbox.submit(2, device_topic("d0"), subscribed_event("commands", 1, 2)).ok());
  {
    std::unique_lock lock(mutex);
    REQUIRE(changed.wait_for(lock, 5s, [&] { return inside; }));
  }
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t device = 1; device <= 200; ++device) {
    REQUIRE(inbox
                .submit(10, device_topic("d" + std::to_string(device)),
                        connection_event("connected", 1, 2 + device))
                .ok());
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  // Deterministic part: every submit returned while the sink was held.
  CHECK(inbox.stats().backlog >= 200);  // the 200 behind the batch being applied
  CHECK_FALSE(tracker.is_connected("d1"));
  // About 200 write()s; far below a second even on a loaded machine.
  CHECK(elapsed < 1s);
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  changed.notify_all();
  REQUIRE(eventually([&] { return tracker.inbox_position() == 202; }));
  CHECK(tracker.is_connected("d200"));
}

TEST_CASE("events journaled but not applied when hubd died are applied at the next start, once") {
  PresenceFiles files;
  {
    PresenceTracker tracker(files.database(), files.streams);
    PresenceInbox inbox(tracker, files.limit_hits, files.streams, {}, files.settings());
    inbox.start();
    REQUIRE(inbox.submit(1, device_topic("d1"), connection_event("connected", 1, 1)).ok());
    REQUIRE(inbox.submit(2, device_topic("d2"), connection_event("connected", 2, 2)).ok());
    REQUIRE(eventually([&] { return tracker.inbox_position() == 2; }));
  }
  {
    // Never started: the events are journaled (acknowledged), not applied.
    PresenceTracker tracker(files.database(), files.streams);
    PresenceInbox inbox(tracker, files.limit_hits, files.streams, {}, files.settings());
    REQUIRE(inbox.submit(3, device_topic("d1"), connection_event("disconnected", 1, 3)).ok());
    REQUIRE(inbox.submit(4, device_topic("d3"), connection_event("connected", 3, 4)).ok());
    CHECK(tracker.is_connected("d1"));
    CHECK(inbox.stats().backlog == 2);
  }
  PresenceTracker died(files.database(), files.streams);
  CHECK(died.inbox_position() == 2);
  CHECK(died.is_connected("d1"));
  CHECK_FALSE(died.connection_of("d3").has_value());

  PresenceTracker tracker(files.database(), files.streams);
  PresenceInbox inbox(tracker, files.limit_hits, files.streams, {}, files.settings());
  CHECK(tracker.inbox_position() == 4);  // before start(): before the broker connection
  CHECK_FALSE(tracker.is_connected("d1"));
  CHECK(tracker.is_connected("d2"));
  CHECK(tracker.is_connected("d3"));
  CHECK(lifecycle_count(files.streams) == 4);
}

TEST_CASE("an event hubd died on twice while applying it is set aside as a dead letter") {
  PresenceFiles files;
  {
    PresenceTracker tracker(files.database(), files.streams);
    PresenceInbox inbox(tracker, files.limit_hits, files.streams, {}, files.settings());
    REQUIRE(inbox.submit(1, device_topic("d1"), connection_event("connected", 1, 1)).ok());
    REQUIRE(inbox.submit(2, device_topic("d2"), connection_event("connected", 2, 2)).ok());
  }
  {
    // What two starts that died inside the sink on entry 1 leave behind.
    auto attempts = FileCommitAttempts::open(files.settings().journal_dir / "commit-attempt");
    REQUIRE(attempts.ok());
    REQUIRE((*attempts)->record(CommitAttempt{1, 1, 2}).ok());
  }
  PresenceTracker tracker(files.database(), files.streams);
  PresenceInbox inbox(tracker, files.limit_hits, files.streams, {}, files.settings());
  CHECK_FALSE(tracker.is_connected("d1"));
  CHECK(tracker.is_connected("d2"));
  CHECK(tracker.inbox_position() == 2);
  CHECK(inbox.stats().set_aside == 1);
  auto letters = files.streams.read(kDeadLetterStream, 0, 10);
  REQUIRE(letters.ok());
  REQUIRE(letters->size() == 1);
  CHECK(letters->front().topic == "$hub/presence/d1");
  CHECK(letters->front().reason.value_or("").find("set aside") != std::string::npos);
}

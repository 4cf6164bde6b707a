#include "journal/group_commit.h"

#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <thread>

#include "journal/memory_journal.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

// Records every batch the group commit hands over; can hold the first one
// back (a slow commit) and fail the next N.
struct RecordingSink {
  Status operator()(std::span<const JournalEntry> entries) {
    std::unique_lock lock(mutex);
    ++calls;
    if (hold_first && calls == 1) {
      entered.set_value();
      released.wait(lock, [this] { return !hold_first; });
    }
    if (failures > 0) {
      --failures;
      return make_error(ErrorCode::internal, "disk I/O error");
    }
    batches.emplace_back(entries.begin(), entries.end());
    return ok_status();
  }
  void release_first() {
    {
      std::lock_guard lock(mutex);
      hold_first = false;
    }
    released.notify_all();
  }
  std::vector<std::uint64_t> sequences() {
    std::lock_guard lock(mutex);
    std::vector<std::uint64_t> all;
    for (const auto& batch : batches) {
      for (const JournalEntry& entry : batch) all.push_back(entry.sequence);
    }
    return all;
  }

  std::mutex mutex;
  std::condition_variable released;
  std::promise<void> entered;
  bool hold_first = false;
  int failures = 0;
  int calls = 0;
  std::vector<std::vector<JournalEntry>> batches;
};

GroupCommitSettings quick(std::size_t max_batch = 100, std::size_t max_backlog = 1000) {
  GroupCommitSettings settings;
  settings.max_batch = max_batch;
  settings.max_backlog = max_backlog;
  settings.retry_delays = {1ms, 1ms};
  return settings;
}

}  // namespace

TEST_CASE("messages that arrive during a commit are committed together, in order") {
  MemoryJournal journal;
  RecordingSink sink;
  sink.hold_first = true;
  std::vector<Error> broken;
  GroupCommit group(journal, std::ref(sink), quick(), [&](const Error& e) { broken.push_back(e); });
  group.start();
  REQUIRE(group.submit(1, "devices/a/telemetry", "first").ok());
  sink.entered.get_future().wait();  // the first commit is in progress
  for (int i = 0; i < 50; ++i) REQUIRE(group.submit(2, "devices/a/telemetry", "later").ok());
  CHECK(group.backlog() == 51);
  sink.release_first();
  REQUIRE(group.wait_until_committed(5s));
  REQUIRE(sink.batches.size() == 2);
  CHECK(sink.batches[0].size() == 1);
  CHECK(sink.batches[1].size() == 50);  // one transaction for all of them
  std::vector<std::uint64_t> expected(51);
  for (std::uint64_t i = 0; i < 51; ++i) expected[i] = i + 1;
  CHECK(sink.sequences() == expected);
  CHECK(journal.unreleased().empty());  // committed entries leave the journal
  CHECK(broken.empty());
}

TEST_CASE("batches are at most max_batch entries") {
  MemoryJournal journal;
  RecordingSink sink;
  GroupCommit group(journal, std::ref(sink), quick(10), [](const Error&) {});
  for (int i = 0; i < 25; ++i) REQUIRE(group.submit(1, "t", "m").ok());
  group.start();
  REQUIRE(group.wait_until_committed(5s));
  REQUIRE(sink.batches.size() == 3);
  CHECK(sink.batches[0].size() == 10);
  CHECK(sink.batches[2].size() == 5);
}

TEST_CASE("a journal write failure is returned and nothing is queued") {
  MemoryJournal journal;
  RecordingSink sink;
  GroupCommit group(journal, std::ref(sink), quick(), [](const Error&) {});
  journal.fail_appends(1);
  const Status submitted = group.submit(1, "t", "m");
  REQUIRE_FALSE(submitted.ok());
  CHECK(group.backlog() == 0);
}

TEST_CASE("a failing store is retried; the entries stay in the journal until it works") {
  MemoryJournal journal;
  RecordingSink sink;
  sink.failures = 2;
  std::vector<Error> broken;
  GroupCommit group(journal, std::ref(sink), quick(), [&](const Error& e) { broken.push_back(e); });
  group.start();
  REQUIRE(group.submit(1, "t", "m").ok());
  REQUIRE(group.wait_until_committed(5s));
  CHECK(sink.calls == 3);
  CHECK(sink.batches.size() == 1);
  CHECK(broken.empty());
  CHECK(journal.unreleased().empty());
}

TEST_CASE("on_stored is told the time of each sink call that stored, not of failed ones") {
  MemoryJournal journal;
  RecordingSink sink;
  sink.failures = 2;
  std::mutex mutex;
  std::vector<std::chrono::steady_clock::duration> stored;
  GroupCommitSettings settings = quick(10);
  settings.on_stored = [&](std::chrono::steady_clock::duration elapsed) {
    std::lock_guard lock(mutex);
    stored.push_back(elapsed);
  };
  GroupCommit group(journal, std::ref(sink), settings, [](const Error&) {});
  for (int i = 0; i < 25; ++i) REQUIRE(group.submit(1, "t", "m").ok());
  group.start();
  REQUIRE(group.wait_until_committed(5s));
  std::lock_guard lock(mutex);
  CHECK(sink.calls == 5);     // two failures, then three batches
  CHECK(stored.size() == 3);  // one per stored batch
  for (const auto elapsed : stored) CHECK(elapsed >= std::chrono::steady_clock::duration::zero());
}

TEST_CASE("retry_forever waits a store outage out, says so meanwhile, and carries on") {
  MemoryJournal journal;
  RecordingSink sink;
  sink.failures = 30;  // far more than the retry delays
  GroupCommitSettings settings = quick();
  settings.retry_delays = {1ms, 5ms};
  settings.retry_forever = true;
  std::vector<Error> broken;
  GroupCommit group(journal, std::ref(sink), settings,
                    [&](const Error& e) { broken.push_back(e); });
  group.start();
  REQUIRE(group.submit(1, "t", "m").ok());
  bool reported = false;
  for (int i = 0; i < 2000 && !reported; ++i) {
    reported = group.store_error() == "disk I/O error";
    if (!reported) std::this_thread::sleep_for(1ms);
  }
  CHECK(reported);
  REQUIRE(group.wait_until_committed(5s));
  CHECK(sink.sequences() == std::vector<std::uint64_t>{1});
  CHECK(group.store_error().empty());  // it works again
  CHECK(broken.empty());
  CHECK(journal.unreleased().empty());
}

TEST_CASE("retry_forever: stop() ends the wait at once and keeps the entries journaled") {
  MemoryJournal journal;
  RecordingSink sink;
  sink.failures = 1000000;
  GroupCommitSettings settings = quick();
  settings.retry_delays = {1ms, 60s};
  settings.retry_forever = true;
  std::vector<Error> broken;
  GroupCommit group(journal, std::ref(sink), settings,
                    [&](const Error& e) { broken.push_back(e); });
  group.start();
  REQUIRE(group.submit(1, "t", "m").ok());
  while (group.store_error().empty()) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(20ms);  // into the 60 s wait
  const auto began = std::chrono::steady_clock::now();
  group.stop();
  CHECK(std::chrono::steady_clock::now() - began < 10s);
  REQUIRE(broken.size() == 1);
  CHECK(journal.unreleased().size() == 1);  // stored at the next start
}

TEST_CASE("a store that stays broken calls on_broken and keeps the entries journaled") {
  MemoryJournal journal;
  RecordingSink sink;
  sink.failures = 100;
  std::vector<Error> broken;
  GroupCommit group(journal, std::ref(sink), quick(), [&](const Error& e) { broken.push_back(e); });
  group.start();
  REQUIRE(group.submit(1, "t", "m").ok());
  group.stop();
  REQUIRE(broken.size() == 1);
  CHECK(broken[0].message == "disk I/O error");
  CHECK(sink.calls == 3);  // first try + two retries
  CHECK(journal.unreleased().size() == 1);
}

TEST_CASE("recover hands the journaled entries after the streams' position to the store") {
  std::vector<JournalEntry> left;
  for (std::uint64_t i = 1; i <= 5; ++i) left.push_back(JournalEntry{i, 10, "t", "m"});
  MemoryJournal journal(left);
  RecordingSink sink;
  GroupCommit group(journal, std::ref(sink), quick(2), [](const Error&) {});
  auto recovered = group.recover(2);
  REQUIRE(recovered.ok());
  CHECK(*recovered == 3);
  CHECK(sink.sequences() == std::vector<std::uint64_t>{3, 4, 5});
  CHECK(journal.unreleased().empty());
  JournalEntry next{0, 1, "t", "n"};
  REQUIRE(journal.append(next).ok());
  CHECK(next.sequence == 6);
}

TEST_CASE("stop commits what is queued before it returns") {
  MemoryJournal journal;
  RecordingSink sink;
  GroupCommit group(journal, std::ref(sink), quick(), [](const Error&) {});
  group.start();
  for (int i = 0; i < 20; ++i) REQUIRE(group.submit(1, "t", "m").ok());
  group.stop();
  CHECK(sink.sequences().size() == 20);
  CHECK(journal.unreleased().empty());
}

TEST_CASE("submit waits while the backlog is full (back-pressure)") {
  MemoryJournal journal;
  RecordingSink sink;
  sink.hold_first = true;
  GroupCommit group(journal, std::ref(sink), quick(1, 2), [](const Error&) {});
  group.start();
  REQUIRE(group.submit(1, "t", "1").ok());
  sink.entered.get_future().wait();  // entry 1 is being committed
  REQUIRE(group.submit(1, "t", "2").ok());
  REQUIRE(group.submit(1, "t", "3").ok());  // queue: 2, 3 = max_backlog
  std::atomic<bool> fourth_done{false};
  std::thread producer([&] {
    CHECK(group.submit(1, "t", "4").ok());
    fourth_done = true;
  });
  std::this_thread::sleep_for(50ms);
  CHECK_FALSE(fourth_done.load());
  sink.release_first();
  producer.join();
  CHECK(fourth_done.load());
  REQUIRE(group.wait_until_committed(5s));
  CHECK(sink.sequences() == std::vector<std::uint64_t>{1, 2, 3, 4});
}

TEST_CASE("after a quiet spell a message is committed at once; under load the next waits") {
  MemoryJournal journal;
  RecordingSink sink;
  GroupCommitSettings settings = quick();
  settings.linger = std::chrono::milliseconds(1500);
  GroupCommit group(journal, std::ref(sink), settings, [](const Error&) {});
  group.start();
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(group.submit(1, "t", "first").ok());
  REQUIRE(group.wait_until_committed(1s));  // not held back by the linger
  CHECK(std::chrono::steady_clock::now() - started < 1000ms);

  REQUIRE(group.submit(1, "t", "second").ok());
  REQUIRE(group.submit(1, "t", "third").ok());
  CHECK_FALSE(group.wait_until_committed(300ms));  // within the linger of the first
  REQUIRE(group.wait_until_committed(5s));
  REQUIRE(sink.batches.size() == 2);
  CHECK(sink.batches[1].size() == 2);  // they shared one transaction
}

TEST_CASE(
    "submit waits while the backlog holds max_backlog_bytes; one large message still passes") {
  MemoryJournal journal;
  RecordingSink sink;
  sink.hold_first = true;
  GroupCommitSettings settings = quick(100, 1000);
  settings.max_backlog_bytes = 1000;
  GroupCommit group(journal, std::ref(sink), settings, [](const Error&) {});
  group.start();
  // Over the limit on its own, but nothing else is held: taken.
  REQUIRE(group.submit(1, "t", std::string(1500, 'x')).ok());
  sink.entered.get_future().wait();  // being committed: still held in memory
  CHECK(group.backlog_bytes() == 1501);
  std::atomic<bool> second_done{false};
  std::thread producer([&] {
    CHECK(group.submit(1, "t", std::string(10, 'y')).ok());
    second_done = true;
  });
  std::this_thread::sleep_for(50ms);
  CHECK_FALSE(second_done.load());  // back-pressure by bytes, with 1 message queued
  sink.release_first();
  producer.join();
  REQUIRE(group.wait_until_committed(5s));
  CHECK(group.backlog_bytes() == 0);
  CHECK(sink.sequences() == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("stop releases a submit waiting for room; nothing deadlocks") {
  MemoryJournal journal;
  RecordingSink sink;
  sink.hold_first = true;
  GroupCommitSettings settings = quick(100, 1000);
  settings.max_backlog_bytes = 10;
  GroupCommit group(journal, std::ref(sink), settings, [](const Error&) {});
  group.start();
  REQUIRE(group.submit(1, "t", "0123456789").ok());
  sink.entered.get_future().wait();
  std::promise<Status> waiting;
  std::thread producer([&] { waiting.set_value(group.submit(1, "t", "more")); });
  std::future<Status> submitted = waiting.get_future();
  CHECK(submitted.wait_for(50ms) == std::future_status::timeout);
  std::thread stopper([&] { group.stop(); });
  // The waiting submit returns once stop begins (journaled: replayed at the
  // next start), even while the sink is still busy.
  REQUIRE(submitted.wait_for(5s) == std::future_status::ready);
  CHECK(submitted.get().ok());
  sink.release_first();
  stopper.join();
  producer.join();
  CHECK(sink.sequences() == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("enqueue commits entries durable elsewhere without appending them, and releases them") {
  // Entries 7 and 8 are in the journal already (the broker plugin wrote them).
  MemoryJournal journal({JournalEntry{7, 1, "t", "a"}, JournalEntry{8, 1, "t", "b"}});
  RecordingSink sink;
  GroupCommit group(journal, std::ref(sink), quick(), [](const Error&) {});
  group.start();
  REQUIRE(group.enqueue(JournalEntry{7, 1, "t", "a"}).ok());
  REQUIRE(group.enqueue(JournalEntry{8, 1, "t", "b"}).ok());
  REQUIRE(group.wait_until_committed(5s));
  CHECK(sink.sequences() == std::vector<std::uint64_t>{7, 8});  // their own numbers
  CHECK(sink.batches[0][1].payload == "b");
  CHECK(journal.unreleased().empty());  // released up to 8
  JournalEntry next{0, 1, "t", "n"};
  REQUIRE(journal.append(next).ok());
  CHECK(next.sequence == 9);  // nothing was appended by enqueue
}

TEST_CASE("enqueue waits while the backlog is full, and refuses once stop has begun") {
  MemoryJournal journal;
  RecordingSink sink;
  sink.hold_first = true;
  GroupCommit group(journal, std::ref(sink), quick(1, 2), [](const Error&) {});
  group.start();
  REQUIRE(group.enqueue(JournalEntry{1, 1, "t", "1"}).ok());
  sink.entered.get_future().wait();  // entry 1 is being committed
  REQUIRE(group.enqueue(JournalEntry{2, 1, "t", "2"}).ok());
  REQUIRE(group.enqueue(JournalEntry{3, 1, "t", "3"}).ok());  // queue: 2, 3 = max_backlog
  std::atomic<bool> fourth_done{false};
  std::thread producer([&] {
    CHECK(group.enqueue(JournalEntry{4, 1, "t", "4"}).ok());
    fourth_done = true;
  });
  std::this_thread::sleep_for(50ms);
  CHECK_FALSE(fourth_done.load());
  sink.release_first();
  producer.join();
  REQUIRE(group.wait_until_committed(5s));
  CHECK(sink.sequences() == std::vector<std::uint64_t>{1, 2, 3, 4});
  group.stop();
  const Status late = group.enqueue(JournalEntry{5, 1, "t", "5"});
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().code == ErrorCode::unavailable);
  CHECK(group.backlog() == 0);
}

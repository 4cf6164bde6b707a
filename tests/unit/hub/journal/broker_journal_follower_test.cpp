// hubd's reader of the broker journal, against real segment files written
// the way the broker plugin writes them (whole frames with one write(), torn
// and damaged ones by hand), in a real directory watched with inotify.
#include "journal/broker_journal_follower.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>

#include "edgehub/test/temp_directory.h"
#include "journal/group_commit.h"
#include "journal/journal_codec.h"
#include "journal/segment_files.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

constexpr const char* kTopic = "devices/d1/telemetry";
// How long a test waits for what must arrive. Far below the re-scan of
// inotify_only(): whatever arrives came through inotify. Generous, because
// the tests run at nice 19 beside benchmarks; promptness is measured apart.
constexpr auto kEventually = 5s;
using Clock = std::chrono::steady_clock;

std::string frame_of(std::uint64_t sequence, const std::string& payload) {
  std::string frame;
  encode_journal_entry(sequence, 1000 + static_cast<std::int64_t>(sequence), kTopic, payload,
                       frame);
  return frame;
}

std::string payload_of(std::uint64_t sequence) {
  return "{\"seq\":" + std::to_string(sequence) + "}";
}

// One segment as the plugin writes it: frames numbered from the segment's
// first sequence, one write() each.
class TestSegmentWriter {
 public:
  TestSegmentWriter(const std::filesystem::path& dir, std::uint64_t first)
      : file_(dir / segment_file_name(first)), next_(first) {
    fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    REQUIRE(fd_ >= 0);
  }
  ~TestSegmentWriter() { ::close(fd_); }
  TestSegmentWriter(const TestSegmentWriter&) = delete;
  TestSegmentWriter& operator=(const TestSegmentWriter&) = delete;

  // The next entry, whole. Returns its sequence.
  std::uint64_t frame(const std::string& payload = {}) {
    const std::uint64_t sequence = next_++;
    raw(frame_of(sequence, payload.empty() ? payload_of(sequence) : payload));
    return sequence;
  }
  // The first `bytes` of the next entry's frame (a write in progress, or one
  // torn by a crash); returns the rest.
  std::string frame_start(std::size_t bytes) {
    const std::uint64_t sequence = next_++;
    const std::string whole = frame_of(sequence, payload_of(sequence));
    REQUIRE(bytes < whole.size());
    raw(whole.substr(0, bytes));
    return whole.substr(bytes);
  }
  void raw(const std::string& bytes) {
    REQUIRE(::write(fd_, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  }
  std::uint64_t size() const { return std::filesystem::file_size(file_); }
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::uint64_t next_;
  int fd_ = -1;
};

// The follow handler: records what it is handed.
class Collector {
 public:
  FollowedEntryHandler handler() {
    return [this](JournalEntry entry) {
      {
        std::lock_guard lock(mutex_);
        entries_.push_back(std::move(entry));
        arrived_at_.push_back(Clock::now());
      }
      arrived_.notify_all();
      return ok_status();
    };
  }
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return entries_.size() >= count; });
  }
  std::vector<std::uint64_t> sequences() const {
    std::lock_guard lock(mutex_);
    std::vector<std::uint64_t> all;
    for (const JournalEntry& entry : entries_) all.push_back(entry.sequence);
    return all;
  }
  std::vector<JournalEntry> entries() const {
    std::lock_guard lock(mutex_);
    return entries_;
  }
  // When the follower handed the entry at `index` over.
  Clock::time_point arrived_at(std::size_t index) const {
    std::lock_guard lock(mutex_);
    return arrived_at_.at(index);
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<JournalEntry> entries_;
  std::vector<Clock::time_point> arrived_at_;
};

struct Reports {
  std::mutex mutex;
  std::vector<std::string> notes;
  std::vector<CorruptRegion> corrupt;

  BrokerJournalEvents events() {
    return BrokerJournalEvents{[this](const CorruptRegion& region) {
                                 std::lock_guard lock(mutex);
                                 corrupt.push_back(region);
                               },
                               [this](const std::string& text) {
                                 std::lock_guard lock(mutex);
                                 notes.push_back(text);
                               }};
  }
  bool noted(const std::string& words) {
    std::lock_guard lock(mutex);
    return std::any_of(notes.begin(), notes.end(), [&](const std::string& text) {
      return text.find(words) != std::string::npos;
    });
  }
  std::vector<CorruptRegion> regions() {
    std::lock_guard lock(mutex);
    return corrupt;
  }
};

// A long re-scan: whatever arrives within a second came through inotify.
BrokerJournalSettings inotify_only() {
  BrokerJournalSettings settings;
  settings.rescan_interval = 60s;
  return settings;
}

std::unique_ptr<BrokerJournalFollower> open_follower(
    const std::filesystem::path& dir, std::uint64_t applied = 0,
    BrokerJournalSettings settings = inotify_only(), BrokerJournalEvents events = {}) {
  auto opened = BrokerJournalFollower::open(dir, applied, settings, std::move(events));
  REQUIRE(opened.ok());
  return std::move(*opened);
}

std::vector<std::uint64_t> sequences_of(const std::vector<JournalEntry>& entries) {
  std::vector<std::uint64_t> all;
  for (const JournalEntry& entry : entries) all.push_back(entry.sequence);
  return all;
}

std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& item : std::filesystem::directory_iterator(dir)) {
    names.push_back(item.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("the directory is created private to hubd's user") {
  test::TempDirectory temp;
  const auto dir = temp.path() / "journal" / "broker";
  auto follower = open_follower(dir);
  struct stat status {};
  REQUIRE(::stat(dir.c_str(), &status) == 0);
  CHECK((status.st_mode & 0777) == 0700);
  CHECK(follower->stats().segments == 0);
  CHECK(follower->stats().inotify);
}

TEST_CASE("take_recovered returns the complete entries after `after` across segments, once") {
  test::TempDirectory dir;
  {
    TestSegmentWriter first_run(dir.path(), 1);
    for (int i = 0; i < 3; ++i) first_run.frame();
    TestSegmentWriter second_run(dir.path(), 1000);
    second_run.frame();
    second_run.frame();
  }
  auto follower = open_follower(dir.path());
  const std::vector<JournalEntry> recovered = follower->take_recovered(2);
  CHECK(sequences_of(recovered) == std::vector<std::uint64_t>{3, 1000, 1001});
  REQUIRE(recovered.size() == 3);
  CHECK(recovered[0].topic == kTopic);
  CHECK(recovered[0].payload == payload_of(3));
  CHECK(recovered[0].received_at_ms == 1003);
  CHECK(follower->take_recovered(0).empty());  // once
  CHECK(follower->stats().entries_handed == 3);
  CHECK(follower->stats().last_handed == 1001);
}

TEST_CASE("append is refused: only the broker plugin writes this journal") {
  test::TempDirectory dir;
  auto follower = open_follower(dir.path());
  JournalEntry entry{0, 1, kTopic, "x"};
  const Status appended = follower->append(entry);
  REQUIRE_FALSE(appended.ok());
  CHECK(appended.error().message.find("broker plugin") != std::string::npos);
  CHECK(names_in(dir.path()).empty());
}

TEST_CASE("following starts after the recovered entries: new ones arrive at once, none twice") {
  test::TempDirectory dir;
  TestSegmentWriter writer(dir.path(), 1);
  writer.frame();
  writer.frame();
  Collector collector;  // outlives the follower's thread
  auto follower = open_follower(dir.path());
  CHECK(sequences_of(follower->take_recovered(0)) == std::vector<std::uint64_t>{1, 2});
  follower->start(collector.handler());
  const auto first_written = Clock::now();
  writer.frame();
  REQUIRE(collector.wait_for(1, kEventually));
  // Through inotify: the re-scan is a minute away.
  CHECK(collector.arrived_at(0) - first_written < 1s);
  writer.frame();
  writer.frame();
  REQUIRE(collector.wait_for(3, kEventually));
  // A new writer run: a new segment, numbered far above.
  const auto created = Clock::now();
  TestSegmentWriter next_run(dir.path(), 5'000'000);
  next_run.frame();
  REQUIRE(collector.wait_for(4, kEventually));
  CHECK(collector.arrived_at(3) - created < 1s);
  std::this_thread::sleep_for(100ms);
  CHECK(collector.sequences() == std::vector<std::uint64_t>{3, 4, 5, 5'000'000});
  CHECK(follower->stats().entries_handed == 6);
}

TEST_CASE("a directory removed and made again is watched again") {
  test::TempDirectory temp;
  const auto dir = temp.path() / "broker";
  Collector collector;  // outlives the follower's thread
  auto follower = open_follower(dir);
  follower->start(collector.handler());
  std::filesystem::remove_all(dir);
  for (int i = 0; i < 100 && follower->stats().inotify; ++i) std::this_thread::sleep_for(10ms);
  CHECK_FALSE(follower->stats().inotify);
  std::filesystem::create_directory(dir);  // the plugin makes it again
  for (int i = 0; i < 500 && !follower->stats().inotify; ++i) std::this_thread::sleep_for(10ms);
  CHECK(follower->stats().inotify);
  TestSegmentWriter writer(dir, 1);
  writer.frame();
  const auto written = Clock::now();
  writer.frame();
  REQUIRE(collector.wait_for(2, kEventually));  // the re-scan is a minute away
  CHECK(collector.arrived_at(1) - written < 1s);
}

TEST_CASE("without take_recovered, following hands everything after the applied position") {
  test::TempDirectory dir;
  TestSegmentWriter writer(dir.path(), 1);
  for (int i = 0; i < 4; ++i) writer.frame();
  Collector collector;  // outlives the follower's thread
  auto follower = open_follower(dir.path(), 2);
  follower->start(collector.handler());
  REQUIRE(collector.wait_for(2, kEventually));
  std::this_thread::sleep_for(50ms);
  CHECK(collector.sequences() == std::vector<std::uint64_t>{3, 4});
}

TEST_CASE("after a quiet spell an entry is read at once; under load the next read waits") {
  test::TempDirectory dir;
  TestSegmentWriter writer(dir.path(), 1);
  BrokerJournalSettings settings = inotify_only();
  settings.read_linger = 700ms;
  Collector collector;  // outlives the follower's thread
  auto follower = open_follower(dir.path(), 0, settings);
  follower->start(collector.handler());
  std::this_thread::sleep_for(800ms);  // quiet for longer than the linger
  const auto first_written = Clock::now();
  writer.frame();
  REQUIRE(collector.wait_for(1, kEventually));
  CHECK(collector.arrived_at(0) - first_written < 500ms);  // not held back
  std::this_thread::sleep_for(100ms);  // that read has ended (it reads up to the end)
  writer.frame();
  writer.frame();
  REQUIRE(collector.wait_for(3, kEventually));
  // Read no sooner than the linger after the read that found the first.
  CHECK(collector.arrived_at(1) - collector.arrived_at(0) >= 600ms);
  CHECK(collector.sequences() == std::vector<std::uint64_t>{1, 2, 3});
}

TEST_CASE("an incomplete frame at the end of the newest segment is waited for, then delivered") {
  test::TempDirectory dir;
  Reports reports;
  Collector collector;  // outlives the follower's thread
  auto follower = open_follower(dir.path(), 0, inotify_only(), reports.events());
  follower->start(collector.handler());
  TestSegmentWriter writer(dir.path(), 1);
  writer.frame();
  const std::string rest = writer.frame_start(11);  // a write in progress
  REQUIRE(collector.wait_for(1, kEventually));
  std::this_thread::sleep_for(300ms);
  CHECK(collector.sequences() == std::vector<std::uint64_t>{1});
  writer.raw(rest);
  REQUIRE(collector.wait_for(2, kEventually));
  CHECK(collector.entries()[1].payload == payload_of(2));
  CHECK(follower->stats().torn_tails == 0);
  CHECK(reports.notes.empty());
}

TEST_CASE("a frame the writer truncated after a failed write is read as rewritten") {
  test::TempDirectory dir;
  Collector collector;  // outlives the follower's thread
  auto follower = open_follower(dir.path());
  follower->start(collector.handler());
  TestSegmentWriter writer(dir.path(), 1);
  writer.frame();
  const auto intact = writer.size();
  // Half of a frame that never made it (the disk filled up), seen by the reader...
  writer.raw(frame_of(2, std::string(500, 'L')).substr(0, 300));
  REQUIRE(collector.wait_for(1, kEventually));
  std::this_thread::sleep_for(100ms);
  // ...then cut off by the writer, which writes the next message there.
  std::filesystem::resize_file(writer.file(), intact);
  writer.raw(frame_of(2, "kept"));
  REQUIRE(collector.wait_for(2, kEventually));
  CHECK(collector.entries()[1].payload == "kept");
}

TEST_CASE("a torn frame at the end of an older segment is skipped with a note") {
  test::TempDirectory dir;
  Reports reports;
  {
    TestSegmentWriter crashed_run(dir.path(), 1);
    crashed_run.frame();
    crashed_run.frame();
    (void)crashed_run.frame_start(20);  // the broker died inside write()
    TestSegmentWriter next_run(dir.path(), 100);
    next_run.frame();
  }
  auto follower = open_follower(dir.path(), 0, inotify_only(), reports.events());
  CHECK(sequences_of(follower->take_recovered(0)) == std::vector<std::uint64_t>{1, 2, 100});
  CHECK(follower->stats().torn_tails == 1);
  CHECK(reports.noted("skipped a torn entry (20 bytes)"));
  CHECK(reports.regions().empty());
}

TEST_CASE("a segment found torn while following is left once the writer starts a new one") {
  test::TempDirectory dir;
  Reports reports;
  TestSegmentWriter crashed_run(dir.path(), 1);
  crashed_run.frame();
  (void)crashed_run.frame_start(30);
  Collector collector;  // outlives the follower's thread
  auto follower = open_follower(dir.path(), 0, inotify_only(), reports.events());
  follower->start(collector.handler());
  REQUIRE(collector.wait_for(1, kEventually));
  std::this_thread::sleep_for(200ms);
  CHECK(follower->stats().torn_tails == 0);  // the newest: still being written, for all we know
  TestSegmentWriter restarted(dir.path(), 7'000'000);
  restarted.frame();
  REQUIRE(collector.wait_for(2, kEventually));
  CHECK(collector.sequences() == std::vector<std::uint64_t>{1, 7'000'000});
  CHECK(follower->stats().torn_tails == 1);
  CHECK(reports.noted("torn entry (30 bytes)"));
}

TEST_CASE("a damaged frame is reported once its segment is left; the next segment is delivered") {
  test::TempDirectory dir;
  Reports reports;
  TestSegmentWriter writer(dir.path(), 1);
  writer.frame();
  const auto damage_at = writer.size();
  std::string damaged = frame_of(2, payload_of(2));
  damaged[damaged.size() - 3] ^= 0x20;  // a flipped bit in the payload
  writer.raw(damaged);
  writer.frame();  // sequence 2 again in the writer's count: never read
  const auto damaged_size = writer.size();

  Collector collector;  // outlives the follower's thread
  auto follower = open_follower(dir.path(), 0, inotify_only(), reports.events());
  follower->start(collector.handler());
  REQUIRE(collector.wait_for(1, kEventually));
  std::this_thread::sleep_for(200ms);
  // The newest segment: not reported yet (it may be a write being cut back).
  CHECK(reports.regions().empty());
  CHECK(reports.noted("does not check out; waiting"));

  TestSegmentWriter next_run(dir.path(), 50);
  next_run.frame();
  REQUIRE(collector.wait_for(2, kEventually));
  CHECK(collector.sequences() == std::vector<std::uint64_t>{1, 50});
  const std::vector<CorruptRegion> regions = reports.regions();
  REQUIRE(regions.size() == 1);
  CHECK(regions[0].segment == writer.file());
  CHECK(regions[0].offset == damage_at);
  CHECK(regions[0].bytes_skipped == damaged_size - damage_at);
  CHECK(regions[0].last_good_sequence == 1);
  CHECK(regions[0].describe().find("damaged frame at byte " + std::to_string(damage_at)) !=
        std::string::npos);
  CHECK(follower->stats().corrupt_regions == 1);

  // Once everything before the damage is stored, the segment is kept aside, not deleted.
  follower->release(50);
  follower->wait_for_removals();
  CHECK(names_in(dir.path()) ==
        std::vector<std::string>{segment_file_name(1) + ".corrupt", segment_file_name(50)});
  CHECK(follower->stats().segments == 1);
}

TEST_CASE("a damaged frame found at recovery is reported and the journal goes on") {
  test::TempDirectory dir;
  Reports reports;
  {
    TestSegmentWriter writer(dir.path(), 1);
    const char garbage[] = "\x05\x00\x00\x00garbage-that-is-no-frame";  // body size 5: too small
    writer.raw(std::string(garbage, sizeof garbage - 1));
    TestSegmentWriter next_run(dir.path(), 9);
    next_run.frame();
  }
  auto follower = open_follower(dir.path(), 0, inotify_only(), reports.events());
  CHECK(sequences_of(follower->take_recovered(0)) == std::vector<std::uint64_t>{9});
  const std::vector<CorruptRegion> regions = reports.regions();
  REQUIRE(regions.size() == 1);
  CHECK(regions[0].offset == 0);
  CHECK(regions[0].last_good_sequence == 0);
  CHECK(regions[0].describe().find("before any entry") != std::string::npos);
}

TEST_CASE("release deletes the segments whose entries are all stored, never the newest") {
  test::TempDirectory dir;
  {
    TestSegmentWriter a(dir.path(), 1);
    a.frame();
    a.frame();
    TestSegmentWriter b(dir.path(), 1000);  // a later writer run: a gap in the numbers
    b.frame();
    b.frame();
    TestSegmentWriter c(dir.path(), 2000);
    c.frame();
  }
  auto follower = open_follower(dir.path());
  REQUIRE(follower->take_recovered(0).size() == 5);
  CHECK(follower->stats().segments == 3);
  follower->release(1);
  follower->wait_for_removals();
  CHECK(follower->stats().segments == 3);  // entry 2 is not stored yet
  follower->release(2);  // all of the first segment, although the next begins at 1000
  follower->wait_for_removals();
  CHECK(names_in(dir.path()) ==
        std::vector<std::string>{segment_file_name(1000), segment_file_name(2000)});
  follower->release(1001);
  follower->wait_for_removals();
  follower->release(2000);  // everything: the newest stays for the writer
  follower->wait_for_removals();
  CHECK(names_in(dir.path()) == std::vector<std::string>{segment_file_name(2000)});
  const BrokerJournalStats stats = follower->stats();
  CHECK(stats.segments == 1);
  CHECK(stats.bytes == std::filesystem::file_size(dir.path() / segment_file_name(2000)));
}

TEST_CASE("segments stored by an earlier run are deleted at open, the newest kept") {
  test::TempDirectory dir;
  {
    TestSegmentWriter a(dir.path(), 1);
    a.frame();
    TestSegmentWriter b(dir.path(), 2);
    b.frame();
    b.frame();
    TestSegmentWriter c(dir.path(), 4);
    c.frame();
  }
  auto follower = open_follower(dir.path(), 4);
  CHECK(names_in(dir.path()) == std::vector<std::string>{segment_file_name(4)});
  CHECK(follower->take_recovered(4).empty());
}

TEST_CASE("take_recovered stops at recovery_max_bytes; the rest follows in order") {
  test::TempDirectory dir;
  TestSegmentWriter writer(dir.path(), 1);
  for (int i = 0; i < 10; ++i) writer.frame(std::string(100, 'p'));
  BrokerJournalSettings settings = inotify_only();
  settings.recovery_max_bytes = 250;  // two entries and a bit
  settings.read_chunk_bytes = 64;     // smaller than a frame
  Collector collector;                // outlives the follower's thread
  auto follower = open_follower(dir.path(), 0, settings);
  CHECK(sequences_of(follower->take_recovered(0)) == std::vector<std::uint64_t>{1, 2, 3});
  follower->start(collector.handler());
  REQUIRE(collector.wait_for(7, kEventually));
  std::this_thread::sleep_for(50ms);
  CHECK(collector.sequences() == std::vector<std::uint64_t>{4, 5, 6, 7, 8, 9, 10});
}

TEST_CASE("an entry the handler does not take is offered again; nothing is skipped") {
  test::TempDirectory dir;
  TestSegmentWriter writer(dir.path(), 1);
  for (int i = 0; i < 3; ++i) writer.frame();
  BrokerJournalSettings settings;
  settings.rescan_interval = 50ms;
  Reports reports;
  std::mutex mutex;
  std::vector<std::uint64_t> taken;
  int refusals = 1;
  auto follower = open_follower(dir.path(), 0, settings, reports.events());
  follower->start([&](JournalEntry entry) -> Status {
    std::lock_guard lock(mutex);
    if (entry.sequence == 2 && refusals-- > 0) {
      return make_error(ErrorCode::unavailable, "busy");
    }
    taken.push_back(entry.sequence);
    return ok_status();
  });
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(mutex);
      if (taken.size() == 3) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  follower->stop();
  CHECK(taken == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(reports.noted("entry 2 not taken (busy)"));
}

TEST_CASE("stop() returns at once while the follower waits for data") {
  test::TempDirectory dir;
  Collector collector;                        // outlives the follower's thread
  auto follower = open_follower(dir.path());  // re-scan a minute away
  follower->start(collector.handler());
  std::this_thread::sleep_for(50ms);
  const auto started = std::chrono::steady_clock::now();
  follower->stop();
  CHECK(std::chrono::steady_clock::now() - started < 1s);  // not the minute of the re-scan
  follower->stop();                                        // idempotent
}

TEST_CASE("a GroupCommit over the follower commits the broker journal and releases it") {
  test::TempDirectory dir;
  TestSegmentWriter earlier_run(dir.path(), 1);
  for (int i = 0; i < 3; ++i) earlier_run.frame();
  std::mutex mutex;
  std::vector<std::uint64_t> stored;
  std::vector<std::size_t> batches;
  auto follower = open_follower(dir.path());
  GroupCommitSettings settings;
  settings.max_batch = 4;
  settings.max_backlog = 5;  // the follower waits in enqueue; the rest waits on disk
  settings.retry_delays = {1ms};
  GroupCommit group(
      *follower,
      [&](std::span<const JournalEntry> entries) {
        std::lock_guard lock(mutex);
        for (const JournalEntry& entry : entries) stored.push_back(entry.sequence);
        batches.push_back(entries.size());
        return ok_status();
      },
      settings, [](const Error&) { FAIL("the sink does not fail"); });
  auto recovered = group.recover(0);
  REQUIRE(recovered.ok());
  CHECK(*recovered == 3);
  group.start();
  follower->start([&](JournalEntry entry) { return group.enqueue(std::move(entry)); });
  // The follower's thread calls into the group: it stops first, also when a check fails.
  struct StopFollowerFirst {
    BrokerJournalFollower& follower;
    ~StopFollowerFirst() { follower.stop(); }
  } stop_follower_first{*follower};

  TestSegmentWriter next_run(dir.path(), 100);
  for (int i = 0; i < 30; ++i) next_run.frame();
  TestSegmentWriter last_run(dir.path(), 900);
  last_run.frame();
  std::vector<std::uint64_t> expected = {1, 2, 3};
  for (std::uint64_t s = 100; s < 130; ++s) expected.push_back(s);
  expected.push_back(900);
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(mutex);
      if (stored.size() >= expected.size()) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(group.wait_until_committed(5s));
  follower->stop();
  group.stop();
  CHECK(stored == expected);
  CHECK(*std::max_element(batches.begin(), batches.end()) <= 4);
  // Everything stored: only the newest segment is left, for the writer.
  follower->wait_for_removals();
  CHECK(names_in(dir.path()) == std::vector<std::string>{segment_file_name(900)});
  CHECK(follower->stats().entries_handed == expected.size());
}

TEST_CASE("with the store down and the follower blocked in enqueue, both stop: the group first") {
  test::TempDirectory dir;
  TestSegmentWriter writer(dir.path(), 1);
  for (int i = 0; i < 10; ++i) writer.frame();
  auto follower = open_follower(dir.path());
  GroupCommitSettings settings;
  settings.max_batch = 1;
  settings.max_backlog = 2;
  settings.retry_delays = {1ms};
  std::atomic<int> broken{0};
  GroupCommit group(
      *follower,
      [](std::span<const JournalEntry>) -> Status {
        return make_error(ErrorCode::unavailable, "disk full");
      },
      settings, [&](const Error&) { ++broken; });
  struct StopFollowerFirst {
    BrokerJournalFollower& follower;
    ~StopFollowerFirst() { follower.stop(); }
  } stop_follower_on_failure{*follower};
  group.start();
  follower->start([&](JournalEntry entry) { return group.enqueue(std::move(entry)); });
  // The store fails for good: the queue stays full, the follower waits in enqueue.
  for (int i = 0; i < 500 && (broken == 0 || follower->stats().entries_handed < 3); ++i) {
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(broken == 1);
  std::this_thread::sleep_for(50ms);
  CHECK(follower->stats().entries_handed == 3);  // one in flight, two queued: no more read
  const auto started = Clock::now();
  group.stop();  // enqueue refuses now, the follower's thread is free
  follower->stop();
  CHECK(Clock::now() - started < 1s);
  CHECK(names_in(dir.path()).size() == 1);  // nothing released: all of it waits on disk
}

TEST_CASE("release returns before the files are deleted, and a listing meanwhile keeps them out") {
  test::TempDirectory dir;
  {
    TestSegmentWriter a(dir.path(), 1);
    a.frame();
    TestSegmentWriter b(dir.path(), 2);
    b.frame();
  }
  auto follower = open_follower(dir.path());
  REQUIRE(follower->take_recovered(0).size() == 2);
  follower->release(2);
  // Whether or not the remover has run yet, the released segment is no
  // longer counted, and the newest stays.
  CHECK(follower->stats().segments == 1);
  follower->wait_for_removals();
  CHECK(names_in(dir.path()) == std::vector<std::string>{segment_file_name(2)});
  follower->release(2);  // nothing more to do: no error, no note
  follower->wait_for_removals();
  CHECK(names_in(dir.path()) == std::vector<std::string>{segment_file_name(2)});
}

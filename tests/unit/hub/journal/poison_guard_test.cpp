// The group commit's guard against messages that cannot be processed: one
// that kills the process inside the sink (played with real child processes
// that abort), one the sink refuses forever, one that makes the sink throw.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "edgehub/test/temp_directory.h"
#include "journal/file_commit_attempts.h"
#include "journal/file_journal.h"
#include "journal/group_commit.h"
#include "journal/memory_journal.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

GroupCommitSettings quick() {
  GroupCommitSettings settings;
  settings.max_batch = 100;
  settings.retry_delays = {1ms, 1ms};
  return settings;
}

// What a store would hold: payloads stored, entries set aside with reasons.
struct FakeStreams {
  std::vector<std::string> stored;
  std::map<std::uint64_t, std::string> set_aside;  // sequence -> reason
  std::vector<std::size_t> batch_sizes;
  std::vector<Error> broken;
};

std::vector<JournalEntry> entries(std::initializer_list<const char*> payloads) {
  std::vector<JournalEntry> all;
  std::uint64_t sequence = 0;
  for (const char* payload : payloads) {
    all.push_back(JournalEntry{++sequence, 10, "devices/d/telemetry", payload});
  }
  return all;
}

}  // namespace

TEST_CASE("the commit in progress is recorded before each batch and survives reopening") {
  edgehub::test::TempDirectory temp;
  const auto file = temp.path() / "commit-attempt";
  {
    auto attempts = FileCommitAttempts::open(file);
    REQUIRE(attempts.ok());
    CHECK_FALSE((*attempts)->at_open().in_progress());  // a first start
    REQUIRE((*attempts)->record(CommitAttempt{7, 9, 2}).ok());
  }
  auto reopened = FileCommitAttempts::open(file);
  REQUIRE(reopened.ok());
  const CommitAttempt seen = (*reopened)->at_open();
  CHECK(seen.first == 7);
  CHECK(seen.last == 9);
  CHECK(seen.attempt == 2);
  CHECK(seen.holds(8));
  CHECK_FALSE(seen.holds(10));
}

TEST_CASE("a damaged attempt record reads as nothing in progress") {
  edgehub::test::TempDirectory temp;
  const auto file = temp.path() / "commit-attempt";
  {
    auto attempts = FileCommitAttempts::open(file);
    REQUIRE(attempts.ok());
    REQUIRE((*attempts)->record(CommitAttempt{7, 9, 2}).ok());
  }
  {
    std::fstream bytes(file, std::ios::in | std::ios::out | std::ios::binary);
    bytes.seekp(3);
    bytes.put('\x55');
  }
  auto reopened = FileCommitAttempts::open(file);
  REQUIRE(reopened.ok());
  CHECK_FALSE((*reopened)->at_open().in_progress());
}

TEST_CASE("each batch is recorded as attempt 1 before the sink sees it") {
  MemoryJournal journal;
  MemoryCommitAttempts attempts;
  std::vector<CommitAttempt> seen_by_sink;
  GroupCommit group(
      journal,
      [&](std::span<const JournalEntry>) {
        seen_by_sink.push_back(attempts.at_open());
        return ok_status();
      },
      quick(), [](const Error&) {}, PoisonGuard{&attempts, {}});
  for (int i = 0; i < 3; ++i) REQUIRE(group.submit(1, "t", "m").ok());
  group.start();
  REQUIRE(group.wait_until_committed(5s));
  REQUIRE(seen_by_sink.size() == 1);
  CHECK(seen_by_sink[0].first == 1);
  CHECK(seen_by_sink[0].last == 3);
  CHECK(seen_by_sink[0].attempt == 1);
}

TEST_CASE("after a death in a batch its entries are retried one by one, then set aside") {
  // The record a process leaves when it dies in the sink on batch 2..4.
  MemoryCommitAttempts attempts;
  REQUIRE(attempts.record(CommitAttempt{2, 4, 1}).ok());
  FakeStreams streams;
  auto sink = [&](std::span<const JournalEntry> batch) -> Status {
    streams.batch_sizes.push_back(batch.size());
    for (const JournalEntry& entry : batch) {
      // Running it would kill the process again.
      REQUIRE(entry.payload != "poison");
      streams.stored.push_back(entry.payload);
    }
    return ok_status();
  };
  auto set_aside = [&](const JournalEntry& entry, std::string_view reason) {
    streams.set_aside[entry.sequence] = std::string(reason);
    return ok_status();
  };

  SUBCASE("the second death sets it aside at the next start without running it") {
    REQUIRE(attempts.record(CommitAttempt{3, 3, 2}).ok());  // died on 3 alone, twice
    MemoryJournal journal(entries({"a", "b", "poison", "d", "e"}));
    GroupCommit group(
        journal, sink, quick(), [&](const Error& e) { streams.broken.push_back(e); },
        PoisonGuard{&attempts, set_aside});
    auto recovered = group.recover(2);  // 1 and 2 are in the streams
    REQUIRE(recovered.ok());
    CHECK(*recovered == 3);
    CHECK(streams.stored == std::vector<std::string>{"d", "e"});
    REQUIRE(streams.set_aside.count(3) == 1);
    CHECK(streams.set_aside[3] == "hubd stopped while processing this message 2 times; set aside");
    CHECK(group.set_aside_count() == 1);
    CHECK(journal.unreleased().empty());
  }

  SUBCASE("the first restart takes the batch one at a time, each recorded as attempt 2") {
    MemoryJournal journal(entries({"a", "b", "poison", "d", "e"}));
    std::vector<CommitAttempt> recorded;
    auto recording_sink = [&](std::span<const JournalEntry> batch) -> Status {
      recorded.push_back(attempts.at_open());
      if (batch.front().payload == "poison") return ok_status();  // survives this time
      for (const JournalEntry& entry : batch) streams.stored.push_back(entry.payload);
      return ok_status();
    };
    GroupCommit group(
        journal, recording_sink, quick(), [](const Error&) {}, PoisonGuard{&attempts, set_aside});
    REQUIRE(group.recover(1).ok());
    REQUIRE(recorded.size() == 4);  // 2, 3, 4 alone; then 5 as a batch
    CHECK(recorded[0].first == 2);
    CHECK(recorded[0].last == 2);
    CHECK(recorded[0].attempt == 2);
    CHECK(recorded[1].first == 3);
    CHECK(recorded[1].attempt == 2);
    CHECK(recorded[3].first == 5);
    CHECK(recorded[3].attempt == 1);
    CHECK(streams.set_aside.empty());
  }
}

TEST_CASE("a message that kills the process is set aside after two deaths, the rest stored") {
  // Real deaths: each "start" is a child process over the same journal
  // directory whose sink aborts on the poison message.
  edgehub::test::TempDirectory temp;
  const auto journal_dir = temp.path() / "journal";
  const auto position_file = temp.path() / "position";
  const auto stored_file = temp.path() / "stored";
  const auto aside_file = temp.path() / "aside";

  auto read_position = [&]() -> std::uint64_t {
    std::ifstream in(position_file);
    std::uint64_t position = 0;
    in >> position;
    return position;
  };
  // One start of "hubd": recover, then (first start only) take new messages.
  auto one_start = [&](bool submit_new) {
    const std::uint64_t applied = read_position();
    auto journal = FileJournal::open(journal_dir, FileJournalSettings{}, applied + 1);
    auto attempts = FileCommitAttempts::open(journal_dir / "commit-attempt");
    if (!journal.ok() || !attempts.ok()) std::_Exit(10);
    auto record_position = [&](std::uint64_t sequence) {
      std::ofstream(position_file, std::ios::trunc) << sequence;
    };
    GroupCommit group(
        **journal,
        [&](std::span<const JournalEntry> batch) {
          for (const JournalEntry& entry : batch) {
            if (entry.payload == "poison") std::abort();  // the parser's stack overflow
          }
          std::ofstream out(stored_file, std::ios::app);
          for (const JournalEntry& entry : batch) out << entry.payload << "\n";
          record_position(batch.back().sequence);
          return ok_status();
        },
        quick(), [](const Error&) { std::_Exit(11); },
        PoisonGuard{attempts->get(), [&](const JournalEntry& entry, std::string_view reason) {
                      std::ofstream(aside_file, std::ios::app)
                          << entry.sequence << " " << entry.payload << ": " << reason << "\n";
                      record_position(entry.sequence);
                      return ok_status();
                    }});
    if (!group.recover(applied).ok()) std::_Exit(12);
    if (submit_new) {
      for (const char* payload : {"a", "b", "poison", "d", "e"}) {
        if (!group.submit(1, "devices/d/telemetry", payload).ok()) std::_Exit(13);
      }
      group.start();
      (void)group.wait_until_committed(10s);
    }
    group.stop();
    std::_Exit(0);
  };

  std::vector<std::string> outcomes;
  for (int start = 1; start <= 5; ++start) {
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      std::signal(SIGABRT, SIG_DFL);  // die like a process does, not as a doctest failure
      one_start(start == 1);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    if (WIFEXITED(status)) {
      outcomes.push_back("exit " + std::to_string(WEXITSTATUS(status)));
      if (WEXITSTATUS(status) == 0 && start > 1) break;
    } else {
      outcomes.push_back("signal " + std::to_string(WTERMSIG(status)));
    }
  }
  INFO("starts: " << [&] {
    std::string all;
    for (const auto& outcome : outcomes) all += outcome + "; ";
    return all;
  }());
  // Died in the batch, died on the message alone, then set it aside.
  REQUIRE(outcomes.size() == 3);
  CHECK(outcomes[0] == "signal " + std::to_string(SIGABRT));
  CHECK(outcomes[1] == "signal " + std::to_string(SIGABRT));
  CHECK(outcomes[2] == "exit 0");
  std::ifstream stored_in(stored_file);
  std::stringstream stored;
  stored << stored_in.rdbuf();
  CHECK(stored.str() == "a\nb\nd\ne\n");
  std::ifstream aside_in(aside_file);
  std::string aside;
  std::getline(aside_in, aside);
  CHECK(aside == "3 poison: hubd stopped while processing this message 2 times; set aside");
  CHECK(read_position() == 5);
}

TEST_CASE("an entry the store refuses for good is set aside; the rest of its batch is stored") {
  MemoryJournal journal;
  MemoryCommitAttempts attempts;
  FakeStreams streams;
  GroupCommit group(
      journal,
      [&](std::span<const JournalEntry> batch) -> Status {
        streams.batch_sizes.push_back(batch.size());
        for (const JournalEntry& entry : batch) {
          if (entry.payload == "refused") {
            return make_error(ErrorCode::invalid_argument, "record rejected by the stream");
          }
        }
        for (const JournalEntry& entry : batch) streams.stored.push_back(entry.payload);
        return ok_status();
      },
      quick(), [&](const Error& e) { streams.broken.push_back(e); },
      PoisonGuard{&attempts, [&](const JournalEntry& entry, std::string_view reason) {
                    streams.set_aside[entry.sequence] = std::string(reason);
                    return ok_status();
                  }});
  for (const char* payload : {"a", "refused", "c"}) REQUIRE(group.submit(1, "t", payload).ok());
  group.start();
  REQUIRE(group.wait_until_committed(5s));
  CHECK(streams.broken.empty());
  CHECK(streams.stored == std::vector<std::string>{"a", "c"});
  REQUIRE(streams.set_aside.count(2) == 1);
  CHECK(streams.set_aside[2] ==
        "the hub could not process this message (record rejected by the stream); set aside");
  CHECK(journal.unreleased().empty());
  // New messages still flow.
  REQUIRE(group.submit(1, "t", "later").ok());
  REQUIRE(group.wait_until_committed(5s));
  CHECK(streams.stored.back() == "later");
}

TEST_CASE("a sink that throws on one message does not end ingest: the message is set aside") {
  MemoryJournal journal;
  FakeStreams streams;
  GroupCommit group(
      journal,
      [&](std::span<const JournalEntry> batch) -> Status {
        for (const JournalEntry& entry : batch) {
          if (entry.payload == "boom") throw std::length_error("nesting too deep");
        }
        for (const JournalEntry& entry : batch) streams.stored.push_back(entry.payload);
        return ok_status();
      },
      quick(), [&](const Error& e) { streams.broken.push_back(e); },
      PoisonGuard{nullptr, [&](const JournalEntry& entry, std::string_view reason) {
                    streams.set_aside[entry.sequence] = std::string(reason);
                    return ok_status();
                  }});
  for (const char* payload : {"boom", "b"}) REQUIRE(group.submit(1, "t", payload).ok());
  group.start();
  REQUIRE(group.wait_until_committed(5s));
  CHECK(streams.broken.empty());
  CHECK(streams.stored == std::vector<std::string>{"b"});
  REQUIRE(streams.set_aside.count(1) == 1);
  CHECK(streams.set_aside[1].find("nesting too deep") != std::string::npos);
}

TEST_CASE("a store outage is not blamed on the messages: nothing set aside, record cleared") {
  MemoryJournal journal;
  MemoryCommitAttempts attempts;
  FakeStreams streams;
  int calls = 0;
  GroupCommit group(
      journal,
      [&](std::span<const JournalEntry>) -> Status {
        ++calls;
        return make_error(ErrorCode::internal, "disk I/O error");
      },
      quick(), [&](const Error& e) { streams.broken.push_back(e); },
      PoisonGuard{&attempts, [&](const JournalEntry& entry, std::string_view reason) {
                    streams.set_aside[entry.sequence] = std::string(reason);
                    return ok_status();
                  }});
  for (const char* payload : {"a", "b"}) REQUIRE(group.submit(1, "t", payload).ok());
  group.start();
  group.stop();
  REQUIRE(streams.broken.size() == 1);
  CHECK(calls == 3);  // the batch, twice retried; never narrowed down
  CHECK(streams.set_aside.empty());
  CHECK(journal.unreleased().size() == 2);        // stored at the next start
  CHECK_FALSE(attempts.at_open().in_progress());  // the next start retries them as a batch
}

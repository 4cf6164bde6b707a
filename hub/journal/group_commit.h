// hubd's path from the broker to the streams: each message is written to the
// journal (durable, then acknowledged to the broker when submit returns) and
// queued; one thread hands whatever has queued up to the sink in a single
// batch (one SQLite transaction for many messages: group commit) and then
// releases those entries from the journal.
//
// Why: Paho acknowledges a message when its callback returns and delivers
// the next one only then, so committing each message to SQLite before
// returning limits ingest to one transaction per message (docs/performance.md).
// A write() to the journal is much cheaper and as durable.
//
// Error policy: a journal write failure is returned by submit (the message
// is not acknowledged; the caller retries). A sink failure is retried with
// the given delays; if it persists, on_broken is called and the committing
// thread ends (the entries stay in the journal and are replayed at the next
// start) - unless retry_forever (hubd), which waits the outage out until
// stop() and reports it in store_error().
//
// Poison guard (PoisonGuard): a message that cannot be processed must not
// wedge ingest nor crash hubd at every start. Before each sink call the
// batch's range and attempt number are recorded (CommitAttempts); at the next
// start, a batch that was being processed when the process died is retried
// one entry at a time, each recorded again, and an entry that hubd has died on
// max_attempts times is set aside (dead letter) without being processed. In
// the running process, a sink that throws, or refuses a batch with an error
// that is not a store outage (anything but internal / unavailable / timeout),
// gets the batch one entry at a time; the entry refused on its own is set aside.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "edgehub/common/result.h"
#include "journal/commit_attempt.h"
#include "journal/message_journal.h"

namespace edgehub::hub {

// Stores a batch durably (with the position entries.back().sequence).
using JournalSink = std::function<Status(std::span<const JournalEntry> entries)>;
// Must not return (hubd: std::_Exit). Tests pass one that records.
using SinkBrokenHandler = std::function<void(const Error& last_error)>;
// Stores one entry as a dead letter with the reason, and the position
// entry.sequence, without looking into its payload.
using SetAsideSink = std::function<Status(const JournalEntry& entry, std::string_view reason)>;

struct PoisonGuard {
  CommitAttempts* attempts = nullptr;  // null: no guard against crashes inside the sink
  SetAsideSink set_aside;              // empty: a refused entry counts as a broken store
};

struct GroupCommitSettings {
  std::size_t max_batch = 2000;      // entries per sink call
  std::size_t max_backlog = 100000;  // submit waits while this many are queued
  // submit waits while the messages held (queued or being committed) take
  // this many bytes (topic + payload); one message is always taken.
  std::size_t max_backlog_bytes = 64u * 1024u * 1024u;
  // Starts of hubd that died while processing an entry before it is set aside.
  std::uint32_t max_attempts = 2;
  // The shortest time between the starts of two transactions (unless
  // max_batch are queued first). A message that arrives after a quiet
  // spell is committed at once; under load, what arrives meanwhile waits
  // for the next transaction: fewer, larger transactions leave the CPU to
  // the broker and the receive thread. Adds at most this much to the time
  // until a message is readable in its stream.
  std::chrono::microseconds linger{2000};
  std::vector<std::chrono::milliseconds> retry_delays = {
      std::chrono::milliseconds(50),   std::chrono::milliseconds(200),
      std::chrono::milliseconds(1000), std::chrono::milliseconds(3000),
      std::chrono::milliseconds(5000), std::chrono::milliseconds(10000)};
  // After retry_delays, keep retrying a failing store at the last delay
  // until stop() (which ends the wait at once) instead of calling
  // on_broken: the journal holds the entries anyway, and its writer stops on
  // its own when it is full (the broker journal's budget; submit() failing
  // on a full disk), so that hubd stays up through a full disk.
  bool retry_forever = false;
  // Told how long each sink call that stored its batch took (hubd: the
  // store commit latency histogram); may be unset.
  std::function<void(std::chrono::steady_clock::duration)> on_stored;
};

class GroupCommit {
 public:
  // journal must outlive this object.
  GroupCommit(MessageJournal& journal, JournalSink sink, GroupCommitSettings settings,
              SinkBrokenHandler on_broken, PoisonGuard guard = {});
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Before start(): hands the journal's unreleased entries after `applied`
  // to the sink (in batches, with retries) and releases them; the batch the
  // previous run died in goes one entry at a time, and an entry it died on
  // max_attempts times is set aside. Returns how many entries there were, or
  // the sink's last error.
  Result<std::size_t> recover(std::uint64_t applied);

  void start();
  // Hands what is queued to the sink, then ends the thread. Idempotent.
  void stop();

  // Journals the message and queues it. ok: durable, may be acknowledged.
  // Waits while max_backlog messages are queued or max_backlog_bytes are
  // held (back-pressure on the broker: Paho's receive thread waits here).
  Status submit(std::int64_t received_at_ms, std::string_view topic, std::string_view payload);
  // Queues an entry that is durable already, in `journal` (the broker
  // journal, which the broker plugin writes): nothing is appended. Waits
  // like submit. Entries come in sequence order, and one GroupCommit either
  // submits or enqueues. An error (unavailable) once stop() has begun:
  // nothing queued (the entry stays in the journal for the next start).
  Status enqueue(JournalEntry entry);

  // Messages journaled but not yet handed to the sink successfully.
  std::size_t backlog() const;
  // Bytes (topic + payload) of those messages.
  std::size_t backlog_bytes() const;
  // Entries set aside (dead-lettered unprocessed) since construction.
  std::uint64_t set_aside_count() const { return set_aside_count_.load(); }
  // The last error of a store outage that is being retried (a full disk);
  // empty while the store works.
  std::string store_error() const;
  // Until everything submitted so far is committed (true) or the timeout.
  bool wait_until_committed(std::chrono::milliseconds timeout) const;

 private:
  void run();
  // Until the queue has room for an entry of `bytes`, or stop() began.
  void wait_for_room(std::unique_lock<std::mutex>& lock, std::size_t bytes);
  // Queues the entry and wakes the committing thread when it should look.
  void queue_entry(std::unique_lock<std::mutex>& lock, JournalEntry entry, std::size_t bytes);
  enum class Outcome { stored, store_failed, refused };
  struct Delivery {
    Outcome outcome = Outcome::stored;
    Error error{ErrorCode::internal, ""};
  };
  // One sink call; an exception is a refusal.
  Delivery call_sink(std::span<const JournalEntry> entries);
  // Hands entries to the sink (attempt number `attempt`), retrying a store
  // outage and narrowing a refusal down to the entry. An error: the store
  // stays broken (the caller ends ingest).
  Status deliver(std::span<const JournalEntry> entries, std::uint32_t attempt);
  Status set_aside(const JournalEntry& entry, const std::string& reason);
  bool stop_requested() const;
  // Waits before retry number `retry` (from 0) of a failing store: the
  // delays in turn, then (retry_forever) the last one until stop(). false:
  // no more retries.
  bool wait_before_retry(std::size_t retry);
  void note_store_error(std::optional<Error> error);
  void note_attempt(const CommitAttempt& attempt);

  MessageJournal& journal_;
  JournalSink sink_;
  GroupCommitSettings settings_;
  SinkBrokenHandler on_broken_;
  PoisonGuard guard_;
  std::atomic<std::uint64_t> set_aside_count_{0};

  mutable std::mutex mutex_;
  std::condition_variable work_queued_;         // for the committing thread
  mutable std::condition_variable progressed_;  // room in the queue, or a batch committed
  std::deque<JournalEntry> queue_;
  std::size_t in_flight_ = 0;                            // taken from the queue, not committed yet
  std::size_t held_bytes_ = 0;                           // of the queued and in-flight entries
  std::chrono::steady_clock::time_point last_commit_{};  // start of the last transaction
  bool stopping_ = false;
  std::string store_error_;
  std::thread worker_;
};

}  // namespace edgehub::hub

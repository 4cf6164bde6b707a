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
// is not acknowledged; the caller retries or ends the process). A sink
// failure is retried with the given delays; if it persists, on_broken is
// called (hubd ends the process; the entries stay in the journal and are
// replayed at the next start).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <string_view>
#include <thread>
#include <vector>

#include "edgehub/common/result.h"
#include "journal/message_journal.h"

namespace edgehub::hub {

// Stores a batch durably (with the position entries.back().sequence).
using JournalSink = std::function<Status(std::span<const JournalEntry> entries)>;
// Must not return (hubd: std::_Exit). Tests pass one that records.
using SinkBrokenHandler = std::function<void(const Error& last_error)>;

struct GroupCommitSettings {
  std::size_t max_batch = 2000;      // entries per sink call
  std::size_t max_backlog = 100000;  // submit waits while this many are queued
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
};

class GroupCommit {
 public:
  // journal must outlive this object.
  GroupCommit(MessageJournal& journal, JournalSink sink, GroupCommitSettings settings,
              SinkBrokenHandler on_broken);
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Before start(): hands the journal's unreleased entries after `applied`
  // to the sink (in batches, with retries) and releases them. Returns how
  // many there were, or the sink's last error.
  Result<std::size_t> recover(std::uint64_t applied);

  void start();
  // Hands what is queued to the sink, then ends the thread. Idempotent.
  void stop();

  // Journals the message and queues it. ok: durable, may be acknowledged.
  // Waits while max_backlog messages are queued (back-pressure on the broker).
  Status submit(std::int64_t received_at_ms, std::string_view topic, std::string_view payload);

  // Messages journaled but not yet handed to the sink successfully.
  std::size_t backlog() const;
  // Until everything submitted so far is committed (true) or the timeout.
  bool wait_until_committed(std::chrono::milliseconds timeout) const;

 private:
  void run();
  // Hands entries to the sink, retrying; false if on_broken was called.
  bool deliver(std::span<const JournalEntry> entries);

  MessageJournal& journal_;
  JournalSink sink_;
  GroupCommitSettings settings_;
  SinkBrokenHandler on_broken_;

  mutable std::mutex mutex_;
  std::condition_variable work_queued_;        // for the committing thread
  mutable std::condition_variable progressed_;  // room in the queue, or a batch committed
  std::deque<JournalEntry> queue_;
  std::size_t in_flight_ = 0;  // taken from the queue, not committed yet
  std::chrono::steady_clock::time_point last_commit_{};  // start of the last transaction
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace edgehub::hub

#include "journal/group_commit.h"

#include <algorithm>
#include <exception>
#include <iterator>
#include <optional>

namespace edgehub::hub {
namespace {

// A store outage (retried, then on_broken) rather than a verdict on the
// entries themselves.
bool store_outage(ErrorCode code) {
  return code == ErrorCode::internal || code == ErrorCode::unavailable ||
         code == ErrorCode::timeout;
}

std::size_t bytes_of(const JournalEntry& entry) {
  return entry.topic.size() + entry.payload.size();
}

}  // namespace

GroupCommit::GroupCommit(MessageJournal& journal, JournalSink sink, GroupCommitSettings settings,
                         SinkBrokenHandler on_broken, PoisonGuard guard)
    : journal_(journal),
      sink_(std::move(sink)),
      settings_(std::move(settings)),
      on_broken_(std::move(on_broken)),
      guard_(std::move(guard)) {
  if (settings_.max_batch == 0) settings_.max_batch = 1;
  if (settings_.max_backlog == 0) settings_.max_backlog = 1;
  if (settings_.max_attempts == 0) settings_.max_attempts = 1;
}

GroupCommit::~GroupCommit() { stop(); }

Result<std::size_t> GroupCommit::recover(std::uint64_t applied) {
  const std::vector<JournalEntry> entries = journal_.take_recovered(applied);
  // The batch the previous run was inside of when it died (not committed:
  // its last entry is past the streams' position).
  CommitAttempt died_in = guard_.attempts ? guard_.attempts->at_open() : CommitAttempt{};
  if (died_in.last <= applied) died_in = CommitAttempt{};
  std::size_t at = 0;
  while (at < entries.size()) {
    const JournalEntry& entry = entries[at];
    if (died_in.holds(entry.sequence)) {
      // One at a time, so that only the entry that kills hubd is set aside.
      Status handled = died_in.attempt >= settings_.max_attempts
                           ? set_aside(entry, died_while_processing_reason(died_in.attempt))
                           : deliver(std::span(&entry, 1), died_in.attempt + 1);
      if (!handled) return handled.error();
      journal_.release(entry.sequence);
      ++at;
      continue;
    }
    std::size_t end = at;
    while (end < entries.size() && end - at < settings_.max_batch &&
           !died_in.holds(entries[end].sequence)) {
      ++end;
    }
    const std::span<const JournalEntry> batch(entries.data() + at, end - at);
    if (Status stored = deliver(batch, 1); !stored) return stored.error();
    journal_.release(batch.back().sequence);
    at = end;
  }
  return entries.size();
}

void GroupCommit::start() {
  std::lock_guard lock(mutex_);
  if (worker_.joinable() || stopping_) return;
  worker_ = std::thread([this] { run(); });
}

void GroupCommit::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_queued_.notify_all();
  progressed_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Status GroupCommit::submit(std::int64_t received_at_ms, std::string_view topic,
                           std::string_view payload) {
  JournalEntry entry{0, received_at_ms, std::string(topic), std::string(payload)};
  const std::size_t bytes = bytes_of(entry);
  std::unique_lock lock(mutex_);
  wait_for_room(lock, bytes);
  // Under the lock: queue order is journal order.
  if (Status written = journal_.append(entry); !written) return written;
  queue_entry(lock, std::move(entry), bytes);
  return ok_status();
}

Status GroupCommit::enqueue(JournalEntry entry) {
  const std::size_t bytes = bytes_of(entry);
  std::unique_lock lock(mutex_);
  wait_for_room(lock, bytes);
  // The committing thread may have ended: an entry queued now could stay
  // uncommitted, and the caller would count it as taken.
  if (stopping_) return make_error(ErrorCode::unavailable, "ingest is stopping");
  queue_entry(lock, std::move(entry), bytes);
  return ok_status();
}

void GroupCommit::wait_for_room(std::unique_lock<std::mutex>& lock, std::size_t bytes) {
  // Waiting here holds the caller (Paho's receive thread, the broker
  // journal's follower): what comes next waits in the broker or on disk
  // instead of hubd's memory growing.
  progressed_.wait(lock, [&] {
    return stopping_ || (queue_.size() < settings_.max_backlog &&
                         (held_bytes_ == 0 || held_bytes_ + bytes <= settings_.max_backlog_bytes));
  });
}

void GroupCommit::queue_entry(std::unique_lock<std::mutex>& lock, JournalEntry entry,
                              std::size_t bytes) {
  queue_.push_back(std::move(entry));
  held_bytes_ += bytes;
  // The committing thread waits for a first entry, or lingers for a full batch.
  const bool wake = queue_.size() == 1 || queue_.size() == settings_.max_batch;
  lock.unlock();
  if (wake) work_queued_.notify_one();
}

void GroupCommit::run() {
  std::vector<JournalEntry> batch;
  for (;;) {
    std::size_t batch_bytes = 0;
    {
      std::unique_lock lock(mutex_);
      work_queued_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything is committed
      work_queued_.wait_until(lock, last_commit_ + settings_.linger,
                              [this] { return queue_.size() >= settings_.max_batch || stopping_; });
      last_commit_ = std::chrono::steady_clock::now();
      const std::size_t count = std::min(settings_.max_batch, queue_.size());
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(count)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
      in_flight_ = count;
    }
    for (const JournalEntry& entry : batch) batch_bytes += bytes_of(entry);
    progressed_.notify_all();  // room in the queue
    const Status delivered = deliver(batch, 1);
    if (delivered) journal_.release(batch.back().sequence);
    {
      std::lock_guard lock(mutex_);
      in_flight_ = 0;
      if (delivered) held_bytes_ -= batch_bytes;
    }
    progressed_.notify_all();
    if (!delivered) {
      on_broken_(delivered.error());
      return;
    }
  }
}

GroupCommit::Delivery GroupCommit::call_sink(std::span<const JournalEntry> entries) {
  try {
    const auto started = std::chrono::steady_clock::now();
    Status stored = sink_(entries);
    if (stored && settings_.on_stored)
      settings_.on_stored(std::chrono::steady_clock::now() - started);
    if (stored) return {};
    return {store_outage(stored.error().code) ? Outcome::store_failed : Outcome::refused,
            stored.error()};
  } catch (const std::exception& exception) {
    return {Outcome::refused,
            make_error(ErrorCode::internal, std::string("processing failed: ") + exception.what())};
  } catch (...) {
    return {Outcome::refused, make_error(ErrorCode::internal, "processing failed")};
  }
}

void GroupCommit::note_attempt(const CommitAttempt& attempt) {
  // A note that cannot be written loses the guard for this batch, never the
  // messages: the batch is handed over anyway.
  if (guard_.attempts) (void)guard_.attempts->record(attempt);
}

Status GroupCommit::deliver(std::span<const JournalEntry> entries, std::uint32_t attempt) {
  note_attempt(CommitAttempt{entries.front().sequence, entries.back().sequence, attempt});
  Delivery delivery = call_sink(entries);
  for (std::size_t retry = 0; delivery.outcome == Outcome::store_failed; ++retry) {
    note_store_error(delivery.error);
    if (!wait_before_retry(retry)) break;
    delivery = call_sink(entries);
  }
  if (delivery.outcome != Outcome::store_failed) note_store_error(std::nullopt);
  switch (delivery.outcome) {
    case Outcome::stored:
      return ok_status();
    case Outcome::store_failed:
      // Not the entries' fault: nothing is set aside at the next start.
      note_attempt(CommitAttempt{});
      return delivery.error;
    case Outcome::refused:
      break;
  }
  if (!guard_.set_aside) {
    note_attempt(CommitAttempt{});
    return delivery.error;
  }
  if (entries.size() > 1) {
    // Narrow the refusal down to the entry: the others are stored as usual.
    for (const JournalEntry& entry : entries) {
      if (Status stored = deliver(std::span(&entry, 1), attempt); !stored) return stored;
    }
    return ok_status();
  }
  return set_aside(entries.front(), "the hub could not process this message (" +
                                        delivery.error.message + "); set aside");
}

bool GroupCommit::wait_before_retry(std::size_t retry) {
  const auto& delays = settings_.retry_delays;
  if (delays.empty()) return false;
  if (!settings_.retry_forever) {
    if (retry >= delays.size()) return false;
    std::this_thread::sleep_for(delays[retry]);
    return true;
  }
  // The entries are in the journal: stop() need not wait for the store.
  std::unique_lock lock(mutex_);
  progressed_.wait_for(lock, delays[std::min(retry, delays.size() - 1)],
                       [this] { return stopping_; });
  return !stopping_;
}

void GroupCommit::note_store_error(std::optional<Error> error) {
  std::lock_guard lock(mutex_);
  store_error_ = error ? error->message : std::string();
}

std::string GroupCommit::store_error() const {
  std::lock_guard lock(mutex_);
  return store_error_;
}

bool GroupCommit::stop_requested() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

Status GroupCommit::set_aside(const JournalEntry& entry, const std::string& reason) {
  auto attempt_once = [&]() -> Status {
    try {
      return guard_.set_aside(entry, reason);
    } catch (const std::exception& exception) {
      return make_error(ErrorCode::internal,
                        std::string("cannot set the message aside: ") + exception.what());
    }
  };
  Status stored =
      guard_.set_aside ? attempt_once() : Status(make_error(ErrorCode::internal, reason));
  for (std::size_t retry = 0; guard_.set_aside && !stored; ++retry) {
    note_store_error(stored.error());
    if (!wait_before_retry(retry)) break;
    stored = attempt_once();
  }
  if (stored) note_store_error(std::nullopt);
  if (!stored) {
    note_attempt(CommitAttempt{});
    return stored;
  }
  ++set_aside_count_;
  return ok_status();
}

std::size_t GroupCommit::backlog() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + in_flight_;
}

std::size_t GroupCommit::backlog_bytes() const {
  std::lock_guard lock(mutex_);
  return held_bytes_;
}

bool GroupCommit::wait_until_committed(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return progressed_.wait_for(lock, timeout, [this] { return queue_.empty() && in_flight_ == 0; });
}

}  // namespace edgehub::hub

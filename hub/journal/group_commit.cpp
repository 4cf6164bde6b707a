#include "journal/group_commit.h"

#include <algorithm>
#include <iterator>

namespace edgehub::hub {

GroupCommit::GroupCommit(MessageJournal& journal, JournalSink sink, GroupCommitSettings settings,
                         SinkBrokenHandler on_broken)
    : journal_(journal),
      sink_(std::move(sink)),
      settings_(std::move(settings)),
      on_broken_(std::move(on_broken)) {
  if (settings_.max_batch == 0) settings_.max_batch = 1;
  if (settings_.max_backlog == 0) settings_.max_backlog = 1;
}

GroupCommit::~GroupCommit() { stop(); }

Result<std::size_t> GroupCommit::recover(std::uint64_t applied) {
  const std::vector<JournalEntry> entries = journal_.take_recovered(applied);
  for (std::size_t at = 0; at < entries.size(); at += settings_.max_batch) {
    const std::size_t count = std::min(settings_.max_batch, entries.size() - at);
    const std::span<const JournalEntry> batch(entries.data() + at, count);
    Status stored = sink_(batch);
    for (std::size_t attempt = 0; !stored && attempt < settings_.retry_delays.size(); ++attempt) {
      std::this_thread::sleep_for(settings_.retry_delays[attempt]);
      stored = sink_(batch);
    }
    if (!stored) return stored.error();
    journal_.release(batch.back().sequence);
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
  std::unique_lock lock(mutex_);
  progressed_.wait(lock, [this] { return queue_.size() < settings_.max_backlog || stopping_; });
  // Under the lock: queue order is journal order.
  if (Status written = journal_.append(entry); !written) return written;
  queue_.push_back(std::move(entry));
  // The committing thread waits for a first entry, or lingers for a full batch.
  const bool wake = queue_.size() == 1 || queue_.size() == settings_.max_batch;
  lock.unlock();
  if (wake) work_queued_.notify_one();
  return ok_status();
}

void GroupCommit::run() {
  std::vector<JournalEntry> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      work_queued_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything is committed
      work_queued_.wait_until(lock, last_commit_ + settings_.linger, [this] {
        return queue_.size() >= settings_.max_batch || stopping_;
      });
      last_commit_ = std::chrono::steady_clock::now();
      const std::size_t count = std::min(settings_.max_batch, queue_.size());
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(count)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
      in_flight_ = count;
    }
    progressed_.notify_all();  // room in the queue
    const bool delivered = deliver(batch);
    if (delivered) journal_.release(batch.back().sequence);
    {
      std::lock_guard lock(mutex_);
      in_flight_ = 0;
    }
    progressed_.notify_all();
    if (!delivered) return;
  }
}

bool GroupCommit::deliver(std::span<const JournalEntry> entries) {
  Status stored = sink_(entries);
  for (std::size_t attempt = 0; !stored && attempt < settings_.retry_delays.size(); ++attempt) {
    std::this_thread::sleep_for(settings_.retry_delays[attempt]);
    stored = sink_(entries);
  }
  if (stored) return true;
  on_broken_(stored.error());
  return false;
}

std::size_t GroupCommit::backlog() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + in_flight_;
}

bool GroupCommit::wait_until_committed(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return progressed_.wait_for(lock, timeout,
                              [this] { return queue_.empty() && in_flight_ == 0; });
}

}  // namespace edgehub::hub

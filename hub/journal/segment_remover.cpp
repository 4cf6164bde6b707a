#include "journal/segment_remover.h"

#include <utility>

namespace edgehub::hub {
namespace {

std::error_code carry_out(const SegmentRemoval& removal) {
  std::error_code error;
  if (removal.keep_as) {
    std::filesystem::rename(removal.file, *removal.keep_as, error);
  } else {
    std::filesystem::remove(removal.file, error);  // false without an error: gone already
  }
  // Gone already (released twice, or deleted by hand) is done; a rename can
  // also fail for want of its target's directory.
  std::error_code ignored;
  if (error == std::errc::no_such_file_or_directory &&
      !std::filesystem::exists(removal.file, ignored)) {
    error.clear();
  }
  return error;
}

}  // namespace

SegmentRemover::SegmentRemover(Done done) : done_(std::move(done)), worker_([this] { run(); }) {}

SegmentRemover::~SegmentRemover() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  worker_.join();
}

void SegmentRemover::submit(std::vector<SegmentRemoval> removals) {
  if (removals.empty()) return;
  {
    std::lock_guard lock(mutex_);
    for (SegmentRemoval& removal : removals) queue_.push_back(std::move(removal));
  }
  queued_.notify_one();
}

void SegmentRemover::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void SegmentRemover::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping, and everything is carried out
    SegmentRemoval removal = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    const std::error_code error = carry_out(removal);
    if (done_) done_(removal, error);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

}  // namespace edgehub::hub

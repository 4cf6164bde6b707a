#include "streams/retention_task.h"

namespace edgehub::hub {

RetentionTask::RetentionTask(StreamStore& store, const Clock& clock, RetentionTaskSettings settings,
                             RunObserver observer)
    : store_(store), clock_(clock), settings_(settings), observer_(std::move(observer)) {}

RetentionTask::~RetentionTask() { stop(); }

void RetentionTask::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void RetentionTask::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<RetentionRun> RetentionTask::run_once() {
  RetentionRun total;
  while (true) {
    Result<RetentionRun> run = store_.enforce_retention(clock_.now_ms(), settings_.batch_limit);
    if (!run) return run;
    total.deleted_records += run->deleted_records;
    total.deleted_bytes += run->deleted_bytes;
    // Fewer than a full batch: nothing is left over.
    if (run->deleted_records < settings_.batch_limit) return total;
    std::lock_guard lock(mutex_);
    if (stopping_) return total;
  }
}

void RetentionTask::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    const Result<RetentionRun> run = run_once();
    if (observer_) observer_(run);
    lock.lock();
    wake_.wait_for(lock, settings_.period, [this] { return stopping_; });
  }
}

}  // namespace edgehub::hub

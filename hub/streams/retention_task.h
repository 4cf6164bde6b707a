// Enforces every stream's retention policy continuously: a background thread
// that calls StreamStore::enforce_retention every period (count and size
// limits are also enforced at append time; age needs the clock).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>

#include "clock/clock.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

struct RetentionTaskSettings {
  std::chrono::milliseconds period{1000};
  // Records deleted per stream per transaction: a backlog is worked off in
  // several transactions so that appends are never held up for long.
  std::size_t batch_limit = 10000;
};

class RetentionTask {
 public:
  // Called on the task's thread after every run (for logs, and to resume
  // devices paused by a full stream).
  using RunObserver = std::function<void(const Result<RetentionRun>&)>;

  // store and clock must outlive the task.
  RetentionTask(StreamStore& store, const Clock& clock, RetentionTaskSettings settings,
                RunObserver observer);
  RetentionTask(const RetentionTask&) = delete;
  RetentionTask& operator=(const RetentionTask&) = delete;
  ~RetentionTask();  // stop()

  void start();
  // Waits for a running pass to finish. Idempotent.
  void stop();
  // One pass now, on the caller's thread: batches until nothing is left to
  // delete (or a failure). What the thread does every period.
  Result<RetentionRun> run_once();

 private:
  void loop();

  StreamStore& store_;
  const Clock& clock_;
  RetentionTaskSettings settings_;
  RunObserver observer_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace edgehub::hub

// Which journal entries the group commit is handing to the sink right now,
// and how many times hubd has started on them: written durably before every
// sink call, so that a process that dies inside the sink (a message that
// crashes the parser, say) leaves a note for the next start. Without it the
// journal replays the same message into the same crash at every restart.
//
// Real implementation: file_commit_attempts.h (one small file in the journal
// directory, one pwrite per batch). In-memory one for tests: MemoryCommitAttempts.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "edgehub/common/result.h"

namespace edgehub::hub {

struct CommitAttempt {
  std::uint64_t first = 0;  // journal sequences first..last, both included
  std::uint64_t last = 0;
  std::uint32_t attempt = 0;  // 0: nothing in progress

  bool in_progress() const { return attempt > 0; }
  bool holds(std::uint64_t sequence) const {
    return in_progress() && sequence >= first && sequence <= last;
  }
};

// The dead-letter reason of a message set aside because hubd died on it.
inline std::string died_while_processing_reason(std::uint32_t attempts) {
  return "hubd stopped while processing this message " + std::to_string(attempts) +
         (attempts == 1 ? " time" : " times") + "; set aside";
}

class CommitAttempts {
 public:
  virtual ~CommitAttempts() = default;
  // Durable once it returns ok (survives a crash of the process). Called by
  // the committing thread only.
  virtual Status record(const CommitAttempt& attempt) = 0;
  // What was recorded last when this object was opened (the previous run's).
  virtual CommitAttempt at_open() const = 0;
};

// Keeps the record in memory: a new GroupCommit given the same object plays
// a restart after a crash.
class MemoryCommitAttempts final : public CommitAttempts {
 public:
  Status record(const CommitAttempt& attempt) override {
    std::lock_guard lock(mutex_);
    current_ = attempt;
    ++writes_;
    return ok_status();
  }
  CommitAttempt at_open() const override {
    std::lock_guard lock(mutex_);
    return current_;
  }
  std::size_t writes() const {
    std::lock_guard lock(mutex_);
    return writes_;
  }

 private:
  mutable std::mutex mutex_;
  CommitAttempt current_;
  std::size_t writes_ = 0;
};

}  // namespace edgehub::hub

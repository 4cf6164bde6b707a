// CommitAttempts in <journal dir>/commit-attempt: 24 bytes (u64 first, u64
// last, u32 attempt, u32 crc32 of the 20 before; little-endian), rewritten in
// place with one pwrite() per batch. No fsync, like the journal: a pwrite()
// that returned survives a crash of the process. A missing, short or damaged
// file reads as "nothing in progress" (the guard is lost for that one start,
// never the messages).
#pragma once

#include <filesystem>
#include <memory>

#include "journal/commit_attempt.h"

namespace edgehub::hub {

class FileCommitAttempts final : public CommitAttempts {
 public:
  static Result<std::unique_ptr<FileCommitAttempts>> open(const std::filesystem::path& file);
  ~FileCommitAttempts() override;
  FileCommitAttempts(const FileCommitAttempts&) = delete;
  FileCommitAttempts& operator=(const FileCommitAttempts&) = delete;

  Status record(const CommitAttempt& attempt) override;
  CommitAttempt at_open() const override { return at_open_; }

 private:
  FileCommitAttempts(int fd, CommitAttempt at_open) : fd_(fd), at_open_(at_open) {}
  int fd_ = -1;
  CommitAttempt at_open_;
};

}  // namespace edgehub::hub

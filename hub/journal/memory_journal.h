// MessageJournal in memory (tests): keeps every unreleased entry; a new
// instance can be seeded with the entries an earlier one held, to play a
// restart.
#pragma once

#include <mutex>
#include <vector>

#include "journal/message_journal.h"

namespace edgehub::hub {

class MemoryJournal final : public MessageJournal {
 public:
  explicit MemoryJournal(std::vector<JournalEntry> recovered = {});

  Status append(JournalEntry& entry) override;
  void release(std::uint64_t up_to) override;
  std::vector<JournalEntry> take_recovered(std::uint64_t after) override;

  // What a crash would leave behind: every unreleased entry.
  std::vector<JournalEntry> unreleased() const;
  // Makes the next `count` appends fail (a full disk).
  void fail_appends(int count);

 private:
  mutable std::mutex mutex_;
  std::vector<JournalEntry> entries_;
  std::vector<JournalEntry> recovered_;
  std::uint64_t next_sequence_ = 1;
  int failures_left_ = 0;
};

}  // namespace edgehub::hub

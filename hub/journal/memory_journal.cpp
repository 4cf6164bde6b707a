#include "journal/memory_journal.h"

#include <algorithm>

namespace edgehub::hub {

MemoryJournal::MemoryJournal(std::vector<JournalEntry> recovered)
    : entries_(recovered), recovered_(std::move(recovered)) {
  for (const JournalEntry& entry : entries_) {
    next_sequence_ = std::max(next_sequence_, entry.sequence + 1);
  }
}

Status MemoryJournal::append(JournalEntry& entry) {
  std::lock_guard lock(mutex_);
  if (failures_left_ > 0) {
    --failures_left_;
    return make_error(ErrorCode::internal, "journal: write failed (test)");
  }
  entry.sequence = next_sequence_++;
  entries_.push_back(entry);
  return ok_status();
}

void MemoryJournal::release(std::uint64_t up_to) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [up_to](const JournalEntry& entry) { return entry.sequence <= up_to; });
}

std::vector<JournalEntry> MemoryJournal::take_recovered(std::uint64_t after) {
  std::lock_guard lock(mutex_);
  return take_entries_after(recovered_, after);
}

std::vector<JournalEntry> MemoryJournal::unreleased() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

void MemoryJournal::fail_appends(int count) {
  std::lock_guard lock(mutex_);
  failures_left_ = count;
}

}  // namespace edgehub::hub

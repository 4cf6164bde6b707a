// One message as hubd received it from the broker, numbered by the ingest
// journal in arrival order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgehub::hub {

struct JournalEntry {
  std::uint64_t sequence = 0;  // 1, 2, 3, ... in arrival order, never reused
  std::int64_t received_at_ms = 0;
  std::string topic;
  std::string payload;  // raw bytes
};

// Moves the entries with sequence > after out of entries (in order) and
// empties it: what a journal hands over once at recovery.
inline std::vector<JournalEntry> take_entries_after(std::vector<JournalEntry>& entries,
                                                    std::uint64_t after) {
  std::vector<JournalEntry> taken;
  for (JournalEntry& entry : entries) {
    if (entry.sequence > after) taken.push_back(std::move(entry));
  }
  entries.clear();
  return taken;
}

}  // namespace edgehub::hub

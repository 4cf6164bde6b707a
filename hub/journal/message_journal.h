// Where hubd makes a message from the broker durable before acknowledging it:
// the ingest journal. Entries leave once the streams hold them (release).
//
// Real implementation: file_journal.h (segment files). In-memory one for
// tests: memory_journal.h.
#pragma once

#include <cstdint>
#include <vector>

#include "edgehub/common/result.h"
#include "journal/journal_entry.h"

namespace edgehub::hub {

class MessageJournal {
 public:
  virtual ~MessageJournal() = default;

  // Numbers the entry (entry.sequence = the next number) and writes it; it
  // survives a crash of the process once this returns ok (the same guarantee
  // as the streams' SQLite WAL with synchronous=NORMAL: a power loss may
  // take the last ones). An error means nothing was written. Thread-safe.
  virtual Status append(JournalEntry& entry) = 0;

  // Entries with sequence <= up_to are in the streams: their space may be
  // reclaimed. Thread-safe.
  virtual void release(std::uint64_t up_to) = 0;

  // The entries the journal held when it was opened, with sequence > after,
  // in order (once; later calls return nothing).
  virtual std::vector<JournalEntry> take_recovered(std::uint64_t after) = 0;
};

}  // namespace edgehub::hub

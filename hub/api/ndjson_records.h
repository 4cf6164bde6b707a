// The body of a stream read answered as NDJSON (docs/protocol.md section 6,
// GET /api/v1/streams/{name}/records?format=ndjson): one record per line,
// then a last line {"next_offset":N}, produced in parts so that a read of up
// to a million records is never held in memory at once. A failure after the
// first part (the status is sent by then) ends the body with an
// {"error":{...}} line instead of the next_offset line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "streams/stream_store.h"

namespace edgehub::hub {

// Records per part (one store read each).
inline constexpr std::size_t kRecordsPerNdjsonPart = 5000;

class NdjsonRecords {
 public:
  // first: the records already read from `from` on (at most
  // kRecordsPerNdjsonPart); `limit` counts them too. store must outlive this.
  NdjsonRecords(const StreamStore& store, std::string stream, std::uint64_t from,
                std::uint64_t limit, std::vector<StreamRecord> first);

  // The next part of the body; empty once the last line was given.
  std::string next_part();

 private:
  std::string render(const std::vector<StreamRecord>& records);
  std::string last_line();

  const StreamStore& store_;
  std::string stream_;
  std::uint64_t next_offset_;
  std::uint64_t remaining_;  // records still allowed by the limit
  std::vector<StreamRecord> first_;
  bool first_given_ = false;
  bool at_end_ = false;    // the store had no more records, or the limit is reached
  bool finished_ = false;  // the last line was given
};

}  // namespace edgehub::hub

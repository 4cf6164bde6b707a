// One message as hubd received it from the broker, numbered by the ingest
// journal in arrival order.
#pragma once

#include <cstdint>
#include <string>

namespace edgehub::hub {

struct JournalEntry {
  std::uint64_t sequence = 0;  // 1, 2, 3, ... in arrival order, never reused
  std::int64_t received_at_ms = 0;
  std::string topic;
  std::string payload;  // raw bytes
};

}  // namespace edgehub::hub

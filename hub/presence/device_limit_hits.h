// The limit hits the broker plugin reports ("limited" presence events):
// each report is a record in the `lifecycle` stream (what, why, how many
// hits), and the hits are counted per device and per limit for the health
// endpoint and metrics. Counts are since hubd started; the lifecycle stream
// keeps the history. A redelivered report (same plugin seq) is stored and
// counted once.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "edgehub/common/result.h"
#include "presence/presence_event.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

struct LimitHitCounts {
  std::uint64_t total = 0;
  std::map<std::string, std::uint64_t, std::less<>> by_limit;
  // device id -> limit -> hits; connect_timeout has no device and is only
  // in by_limit.
  std::map<std::string, std::map<std::string, std::uint64_t, std::less<>>, std::less<>> by_device;
};

class DeviceLimitHits {
 public:
  explicit DeviceLimitHits(StreamStore& lifecycle);

  // event.kind must be limited. An error means nothing was recorded: do not
  // acknowledge the event.
  Status record(const PresenceEvent& event);

  LimitHitCounts counts() const;
  std::uint64_t total() const;

 private:
  StreamStore& lifecycle_;
  mutable std::mutex mutex_;
  LimitHitCounts counts_;
};

}  // namespace edgehub::hub

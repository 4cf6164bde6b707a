#include "presence/device_limit_hits.h"

#include <nlohmann/json.hpp>

#include "presence/presence_tracker.h"

namespace edgehub::hub {

DeviceLimitHits::DeviceLimitHits(StreamStore& lifecycle) : lifecycle_(lifecycle) {}

Status DeviceLimitHits::record(const PresenceEvent& event) {
  if (event.kind != PresenceEvent::Kind::limited) {
    return make_error(ErrorCode::invalid_argument, "not a limited event");
  }
  NewRecord record;
  record.stream = std::string(kLifecycleStream);
  record.received_at_ms = event.at_ms;
  record.device_id = event.device_id;
  record.seq = event.seq;  // a redelivered report is stored once
  record.topic = event.device_id.empty() ? std::string(kBrokerEventsTopic)
                                         : std::string(kPresenceTopicPrefix) + event.device_id;
  record.payload =
      nlohmann::json{{"event", "limited"}, {"limit", event.limit}, {"reason", event.reason},
                     {"hits", event.hits}, {"at_ms", event.at_ms}, {"broker_run", event.broker_run}}
          .dump();
  auto appended = lifecycle_.append(record);
  if (!appended) return appended.error();
  if (appended->duplicate) return ok_status();
  std::lock_guard lock(mutex_);
  counts_.total += event.hits;
  counts_.by_limit[event.limit] += event.hits;
  if (!event.device_id.empty()) counts_.by_device[event.device_id][event.limit] += event.hits;
  return ok_status();
}

LimitHitCounts DeviceLimitHits::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

std::uint64_t DeviceLimitHits::total() const {
  std::lock_guard lock(mutex_);
  return counts_.total;
}

}  // namespace edgehub::hub

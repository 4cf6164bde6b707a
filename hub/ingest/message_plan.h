// What one message from the broker becomes, before anything is stored: the
// records to append (telemetry, route copies, dead letters), each tagged with
// what it counts as. Pure: no store, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/protocol/payloads.h"
#include "routing/route_table.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

enum class RecordRole : std::uint8_t {
  telemetry,      // a reading for the telemetry stream
  routed,         // a route's copy of a reading
  route_failure,  // the dead letter naming the routes that failed for a reading
  dead_letter,    // a message (or batch element) that is not valid telemetry
};

// What a planned record counts as, and what to fall back on.
struct RecordPurpose {
  RecordRole role = RecordRole::telemetry;
  std::uint32_t failed_routes = 0;  // route_failure: how many routes failed
  // telemetry and routed: the reading as the device sent it, dead-lettered
  // if the target stream refuses the record for good. Points into the
  // message's payload or into IngestPlan::element_texts.
  std::string_view original;
};

// Records to append in this order (one transaction), purposes[i] for records[i].
struct IngestPlan {
  std::vector<NewRecord> records;
  std::vector<RecordPurpose> purposes;
  std::deque<std::string> element_texts;  // batch elements' JSON text (stable addresses)

  void add(NewRecord record, RecordPurpose purpose) {
    records.push_back(std::move(record));
    purposes.push_back(std::move(purpose));
  }
};

struct PlanLimits {
  std::size_t max_payload_bytes = 0;
  std::size_t max_batch_readings = protocol::kDefaultMaxBatchReadings;
};

// Appends to plan what (topic, payload) becomes (payload must outlive the plan) (docs/protocol.md
// 3, 3.1):
//   a valid single message on devices/<id>/telemetry -> one telemetry record
//     (payload = data, seq = envelope seq, device = <id>);
//   {"batch": [...]} -> one telemetry record per valid element, one dead
//     letter per invalid element ("batch element 2 of 5: ...");
//   over the size limit, nested too deep (json_limits.h: checked before
//     parsing), a batch of more than max_batch_readings elements, not
//     telemetry, not a telemetry topic -> one dead letter (raw bytes + reason);
//   per reading, when routes is given: a copy for each route whose condition
//     holds, and one dead letter naming the routes that failed.
void plan_message(std::string_view topic, std::string_view payload, std::int64_t received_at_ms,
                  const PlanLimits& limits, RouteTable* routes, IngestPlan& plan);

}  // namespace edgehub::hub

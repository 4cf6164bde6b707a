#include "ingest/telemetry_ingestor.h"

#include <string>

#include "edgehub/protocol/topics.h"
#include "ingest/decided_dead_letter.h"

namespace edgehub::hub {
namespace {

// The store refusing a record (rather than failing) would refuse it at every
// redelivery: such a record is dead-lettered instead.
bool refused_for_good(ErrorCode code) {
  return code == ErrorCode::invalid_argument || code == ErrorCode::too_large;
}

}  // namespace

TelemetryIngestor::TelemetryIngestor(StreamStore& store, IngestLimits limits, RouteTable* routes)
    : store_(store), limits_(limits), routes_(routes) {}

Status TelemetryIngestor::ingest(std::string_view topic, std::string_view payload,
                                 std::int64_t received_at_ms) {
  IngestPlan plan;
  plan_message(topic, payload, received_at_ms,
               PlanLimits{limits_.max_payload_bytes, limits_.max_batch_readings}, routes_, plan);
  return commit(plan, nullptr);
}

Status TelemetryIngestor::ingest_batch(std::span<const JournalEntry> entries,
                                       const SourcePosition& position) {
  IngestPlan plan;
  plan.records.reserve(entries.size());
  plan.purposes.reserve(entries.size());
  for (const JournalEntry& entry : entries) {
    if (const auto decided = parse_decided_dead_letter_topic(entry.topic)) {
      plan.add(make_dead_letter(decided->topic, decided->device_id, entry.payload,
                                std::string(decided->reason), entry.received_at_ms),
               RecordPurpose{RecordRole::dead_letter, 0, {}});
      continue;
    }
    plan_message(entry.topic, entry.payload, entry.received_at_ms,
                 PlanLimits{limits_.max_payload_bytes, limits_.max_batch_readings}, routes_, plan);
  }
  return commit(plan, &position);
}

Status TelemetryIngestor::set_aside(const JournalEntry& entry, std::string_view reason,
                                    const SourcePosition& position) {
  protocol::ParsedTopic parsed{};
  const auto decided = parse_decided_dead_letter_topic(entry.topic);
  const std::string_view topic = decided ? decided->topic : std::string_view(entry.topic);
  std::string_view device = decided ? decided->device_id : std::string_view();
  if (!decided && protocol::parse_device_topic(topic, parsed)) device = parsed.device_id;
  std::vector<NewRecord> records{
      make_dead_letter(topic, device, entry.payload, std::string(reason), entry.received_at_ms)};
  auto appended = store_.append_group(records, &position);
  if (!appended && appended.error().code != ErrorCode::internal) {
    records[0].payload.clear();
    *records[0].reason += " (payload of " + std::to_string(entry.payload.size()) +
                          " bytes not kept: " + appended.error().message + ")";
    appended = store_.append_group(records, &position);
  }
  if (!appended && appended.error().code != ErrorCode::internal) {
    refuse(kDeadLetterStream, device, std::nullopt);
    appended = store_.append_group({}, &position);
  } else if (appended) {
    ++deadlettered_;
  }
  if (!appended) return fail(appended.error());
  return ok_status();
}

Status TelemetryIngestor::commit(const IngestPlan& plan, const SourcePosition* position) {
  auto appended = store_.append_group(plan.records, position);
  if (appended) {
    for (std::size_t i = 0; i < plan.records.size(); ++i) count(plan.purposes[i], (*appended)[i]);
    return ok_status();
  }
  if (appended.error().code == ErrorCode::internal) return fail(appended.error());
  // A stream refused one of the records (full with policy reject, a record
  // over its size, ...): the others must not suffer for it.
  if (Status each = store_each(plan); !each) return each;
  if (position == nullptr) return ok_status();
  auto recorded = store_.append_group({}, position);
  if (!recorded) return fail(recorded.error());
  return ok_status();
}

Status TelemetryIngestor::store_each(const IngestPlan& plan) {
  for (std::size_t i = 0; i < plan.records.size(); ++i) {
    if (Status stored = store_one(plan.records[i], plan.purposes[i]); !stored) return stored;
  }
  return ok_status();
}

Status TelemetryIngestor::store_one(const NewRecord& record, const RecordPurpose& purpose) {
  auto appended = store_.append(record);
  if (appended) {
    count(purpose, *appended);
    return ok_status();
  }
  const Error& error = appended.error();
  if (error.code == ErrorCode::internal) return fail(error);
  switch (purpose.role) {
    case RecordRole::telemetry:
      if (error.code == ErrorCode::unavailable) {
        refuse(record.stream, record.device_id, record.seq);
        return ok_status();
      }
      if (refused_for_good(error.code)) {
        return store_dead_letter(record, purpose.original,
                                 "refused by the telemetry stream: " + error.message);
      }
      return fail(error);
    case RecordRole::routed:
      ++route_failures_;
      return store_dead_letter(
          record, purpose.original,
          "stream '" + record.stream + "' refused the record: " + error.message);
    case RecordRole::route_failure:
    case RecordRole::dead_letter:
      if (error.code == ErrorCode::unavailable) {
        refuse(record.stream, record.device_id, std::nullopt);
        return ok_status();
      }
      return fail(error);
  }
  return fail(error);
}

Status TelemetryIngestor::store_dead_letter(const NewRecord& about, std::string_view payload,
                                            std::string reason) {
  return store_one(make_dead_letter(about.topic, about.device_id, payload, std::move(reason),
                                    about.received_at_ms),
                   RecordPurpose{RecordRole::dead_letter, 0, {}});
}

void TelemetryIngestor::count(const RecordPurpose& purpose, const AppendResult& result) {
  switch (purpose.role) {
    case RecordRole::telemetry:
      ++(result.duplicate ? duplicates_ : stored_);
      return;
    case RecordRole::routed:
      if (!result.duplicate) ++routed_;
      return;
    case RecordRole::route_failure:
      if (!result.duplicate) route_failures_ += purpose.failed_routes;
      return;
    case RecordRole::dead_letter:
      ++deadlettered_;
      return;
  }
}

void TelemetryIngestor::refuse(std::string_view stream, std::string_view device_id,
                               std::optional<std::uint64_t> seq) {
  ++refused_;
  if (refusal_listener_) {
    refusal_listener_(RefusedMessage{std::string(stream), std::string(device_id), seq});
  }
}

Status TelemetryIngestor::fail(const Error& error) {
  ++store_failures_;
  return error;
}

IngestCounters TelemetryIngestor::counters() const {
  return IngestCounters{.stored = stored_.load(),
                        .duplicates = duplicates_.load(),
                        .deadlettered = deadlettered_.load(),
                        .store_failures = store_failures_.load(),
                        .routed = routed_.load(),
                        .route_failures = route_failures_.load(),
                        .refused = refused_.load()};
}

}  // namespace edgehub::hub

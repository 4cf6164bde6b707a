// Decides what becomes of a message that arrived on a device topic: a record
// in the telemetry stream, or a record in the dead-letter stream with the
// reason. Nothing is dropped.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"
#include "edgehub/protocol/payloads.h"
#include "ingest/message_plan.h"
#include "journal/journal_entry.h"
#include "routing/route_table.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

struct IngestLimits {
  std::size_t max_payload_bytes = protocol::kDefaultMaxPayloadBytes;
  std::size_t max_batch_readings = protocol::kDefaultMaxBatchReadings;
};

// What happened to the messages ingested so far.
struct IngestCounters {
  std::uint64_t stored = 0;          // new telemetry records
  std::uint64_t duplicates = 0;      // telemetry whose (device, seq) was stored already
  std::uint64_t deadlettered = 0;    // refused, kept in the dead-letter stream
  std::uint64_t store_failures = 0;  // the store failed: nothing stored, not acknowledged
  std::uint64_t routed = 0;          // new copies appended to route streams
  std::uint64_t route_failures = 0;  // route evaluations or appends that failed (dead-lettered)
  std::uint64_t refused =
      0;  // the target stream was full (policy reject): not stored, acknowledged

  std::uint64_t handled() const { return stored + duplicates + deadlettered + refused; }
};

// A message a full stream (policy reject) refused: not stored, acknowledged
// to the broker; the listener tells the device (hubd: devices/<id>/flow).
struct RefusedMessage {
  std::string stream;
  std::string device_id;
  std::optional<std::uint64_t> seq;
};
using RefusalListener = std::function<void(const RefusedMessage&)>;

class TelemetryIngestor {
 public:
  // store (and routes, if given) must outlive the ingestor.
  TelemetryIngestor(StreamStore& store, IngestLimits limits, RouteTable* routes = nullptr);

  // ok once the message is durably in streams (or was already: duplicate).
  // An error (the store's) means the message may not be stored: the caller
  // must not consider it handled. What a message becomes: message_plan.h
  // (telemetry, batches, route copies in the same transaction, dead letters).
  Status ingest(std::string_view topic, std::string_view payload, std::int64_t received_at_ms);

  // Several messages in one transaction that also records position (hubd's
  // group commit of journal entries). Same outcome per message as ingest();
  // if a stream refuses part of the batch, each record is stored on its own
  // and the position is recorded after them.
  Status ingest_batch(std::span<const JournalEntry> entries, const SourcePosition& position);

  // A journal entry that could not be processed (it crashed hubd, or the
  // store refuses it for good): stored unparsed as a dead letter with the
  // reason (device and topic from the entry's topic), with position, in one
  // transaction. If the dead-letter stream refuses it, only the reason is
  // kept; if it refuses that too, only the position is recorded (counted as
  // refused). An error: the store failed (internal).
  Status set_aside(const JournalEntry& entry, std::string_view reason,
                   const SourcePosition& position);

  IngestCounters counters() const;

  // Called (on the ingesting thread, must not block) for every refused message.
  void set_refusal_listener(RefusalListener listener) { refusal_listener_ = std::move(listener); }

 private:
  // One transaction for the plan; on a refusal, record by record.
  Status commit(const IngestPlan& plan, const SourcePosition* position);
  Status store_each(const IngestPlan& plan);
  Status store_one(const NewRecord& record, const RecordPurpose& purpose);
  void count(const RecordPurpose& purpose, const AppendResult& result);
  // The stream refused the record as full: count it, tell the listener.
  void refuse(std::string_view stream, std::string_view device_id,
              std::optional<std::uint64_t> seq);
  Status store_dead_letter(const NewRecord& about, std::string_view payload, std::string reason);
  Status fail(const Error& error);

  StreamStore& store_;
  IngestLimits limits_;
  RouteTable* routes_ = nullptr;
  std::atomic<std::uint64_t> stored_{0};
  std::atomic<std::uint64_t> duplicates_{0};
  std::atomic<std::uint64_t> deadlettered_{0};
  std::atomic<std::uint64_t> store_failures_{0};
  std::atomic<std::uint64_t> routed_{0};
  std::atomic<std::uint64_t> route_failures_{0};
  std::atomic<std::uint64_t> refused_{0};
  RefusalListener refusal_listener_;
};

}  // namespace edgehub::hub

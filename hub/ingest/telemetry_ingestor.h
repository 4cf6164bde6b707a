// Decides what becomes of a message that arrived on a device topic: a record
// in the telemetry stream, or a record in the dead-letter stream with the
// reason. Nothing is dropped.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgehub/common/result.h"
#include "edgehub/protocol/payloads.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

struct IngestLimits {
  std::size_t max_payload_bytes = protocol::kDefaultMaxPayloadBytes;
};

// What happened to the messages ingested so far.
struct IngestCounters {
  std::uint64_t stored = 0;          // new telemetry records
  std::uint64_t duplicates = 0;      // telemetry whose (device, seq) was stored already
  std::uint64_t deadlettered = 0;    // refused, kept in the dead-letter stream
  std::uint64_t store_failures = 0;  // the store failed: nothing stored, not acknowledged

  std::uint64_t handled() const { return stored + duplicates + deadlettered; }
};

class TelemetryIngestor {
 public:
  // store must outlive the ingestor.
  TelemetryIngestor(StreamStore& store, IngestLimits limits);

  // ok once the message is durably in a stream (or was already: duplicate).
  // An error (the store's) means nothing was stored: the caller must not
  // acknowledge the message.
  //   valid envelope on devices/<id>/telemetry -> "telemetry" (payload = data,
  //     seq = envelope seq, device = <id>)
  //   payload over the limit, not valid telemetry, or not a device telemetry
  //     topic -> "deadletter" (raw bytes + reason)
  Status ingest(std::string_view topic, std::string_view payload, std::int64_t received_at_ms);

  IngestCounters counters() const;

 private:
  Status store_dead_letter(std::string_view topic, std::string_view device_id,
                           std::string_view payload, std::string reason,
                           std::int64_t received_at_ms);
  Status fail(const Error& error);

  StreamStore& store_;
  IngestLimits limits_;
  std::atomic<std::uint64_t> stored_{0};
  std::atomic<std::uint64_t> duplicates_{0};
  std::atomic<std::uint64_t> deadlettered_{0};
  std::atomic<std::uint64_t> store_failures_{0};
};

}  // namespace edgehub::hub

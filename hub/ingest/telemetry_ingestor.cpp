#include "ingest/telemetry_ingestor.h"

#include <string>

#include "edgehub/protocol/topics.h"

namespace edgehub::hub {

TelemetryIngestor::TelemetryIngestor(StreamStore& store, IngestLimits limits)
    : store_(store), limits_(limits) {}

Status TelemetryIngestor::ingest(std::string_view topic, std::string_view payload,
                                 std::int64_t received_at_ms) {
  protocol::ParsedTopic parsed{};
  const bool device_topic = protocol::parse_device_topic(topic, parsed);
  if (!device_topic || parsed.kind != protocol::TopicKind::telemetry) {
    return store_dead_letter(topic, device_topic ? parsed.device_id : std::string_view(), payload,
                             "topic '" + std::string(topic) + "' is not a device telemetry topic",
                             received_at_ms);
  }
  if (payload.size() > limits_.max_payload_bytes) {
    return store_dead_letter(topic, parsed.device_id, payload,
                             "payload too large: " + std::to_string(payload.size()) + " bytes > " +
                                 std::to_string(limits_.max_payload_bytes),
                             received_at_ms);
  }
  auto envelope = protocol::parse_telemetry(payload);
  if (!envelope) {
    return store_dead_letter(topic, parsed.device_id, payload, envelope.error().message,
                             received_at_ms);
  }

  NewRecord record;
  record.stream = std::string(kTelemetryStream);
  record.received_at_ms = received_at_ms;
  record.device_id = std::string(parsed.device_id);
  record.seq = envelope->seq;
  record.topic = std::string(topic);
  record.payload = std::move(envelope->data_json);
  auto appended = store_.append(record);
  if (!appended) {
    // The store refusing this record (rather than failing) would refuse it
    // at every redelivery: keep the message as a dead letter instead.
    const ErrorCode code = appended.error().code;
    if (code == ErrorCode::invalid_argument || code == ErrorCode::too_large) {
      return store_dead_letter(topic, parsed.device_id, payload,
                               "refused by the telemetry stream: " + appended.error().message,
                               received_at_ms);
    }
    return fail(appended.error());
  }
  if (appended->duplicate) {
    ++duplicates_;
  } else {
    ++stored_;
  }
  return ok_status();
}

Status TelemetryIngestor::store_dead_letter(std::string_view topic, std::string_view device_id,
                                            std::string_view payload, std::string reason,
                                            std::int64_t received_at_ms) {
  NewRecord record;
  record.stream = std::string(kDeadLetterStream);
  record.received_at_ms = received_at_ms;
  record.device_id = std::string(device_id);
  record.topic = std::string(topic);
  record.payload = std::string(payload);
  record.reason = std::move(reason);
  auto appended = store_.append(record);
  if (!appended) return fail(appended.error());
  ++deadlettered_;
  return ok_status();
}

Status TelemetryIngestor::fail(const Error& error) {
  ++store_failures_;
  return error;
}

IngestCounters TelemetryIngestor::counters() const {
  return IngestCounters{stored_.load(), duplicates_.load(), deadlettered_.load(),
                        store_failures_.load()};
}

}  // namespace edgehub::hub

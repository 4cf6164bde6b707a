#include "ingest/telemetry_ingestor.h"

#include <string>

#include "edgehub/protocol/topics.h"

namespace edgehub::hub {

TelemetryIngestor::TelemetryIngestor(StreamStore& store, IngestLimits limits, RouteTable* routes)
    : store_(store), limits_(limits), routes_(routes) {}

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
  if (routes_ != nullptr && !routes_->empty()) return store_routed(record, payload);
  return store_telemetry(record, payload);
}

bool TelemetryIngestor::store_refused(ErrorCode code) {
  // The store refusing a record (rather than failing) would refuse it at
  // every redelivery.
  return code == ErrorCode::invalid_argument || code == ErrorCode::too_large;
}

Status TelemetryIngestor::store_telemetry(const NewRecord& record, std::string_view payload) {
  auto appended = store_.append(record);
  if (!appended) {
    if (appended.error().code == ErrorCode::unavailable) {
      return refuse(record.stream, record.device_id, record.seq);
    }
    // Keep the message as a dead letter instead.
    if (store_refused(appended.error().code)) {
      return store_dead_letter(record.topic, record.device_id, payload,
                               "refused by the telemetry stream: " + appended.error().message,
                               record.received_at_ms);
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

Status TelemetryIngestor::store_routed(const NewRecord& telemetry, std::string_view payload) {
  RoutingOutcome outcome = routes_->route(RouteMessage{
      telemetry.device_id, *telemetry.seq, telemetry.received_at_ms, telemetry.payload, "{}"});
  std::vector<NewRecord> batch;
  batch.reserve(1 + outcome.copies.size() + 1);
  batch.push_back(telemetry);
  for (RoutedCopy& copy : outcome.copies) {
    NewRecord routed = telemetry;
    routed.stream = std::move(copy.stream);
    routed.payload = std::move(copy.payload);
    batch.push_back(std::move(routed));
  }
  if (!outcome.failures.empty()) {
    // One record per message, keyed by (device, seq) like the copies: a
    // redelivery does not dead-letter it twice.
    std::string reason;
    for (const RouteFailure& failure : outcome.failures) {
      if (!reason.empty()) reason += "; ";
      reason += "route '" + failure.route + "' failed: " + failure.message;
    }
    NewRecord dead_letter = telemetry;
    dead_letter.stream = std::string(kDeadLetterStream);
    dead_letter.payload = std::string(payload);
    dead_letter.reason = std::move(reason);
    batch.push_back(std::move(dead_letter));
  }
  if (batch.size() == 1) return store_telemetry(telemetry, payload);

  auto appended = store_.append_batch(batch);
  if (appended) {
    if ((*appended)[0].duplicate) {
      ++duplicates_;
    } else {
      ++stored_;
    }
    for (std::size_t i = 1; i <= outcome.copies.size(); ++i) {
      if (!(*appended)[i].duplicate) ++routed_;
    }
    if (!outcome.failures.empty() && !appended->back().duplicate) {
      route_failures_ += outcome.failures.size();
    }
    return ok_status();
  }
  if (appended.error().code == ErrorCode::internal) return fail(appended.error());

  // One of the records was refused (a route stream full, a projection too
  // large, ...): the telemetry must not suffer for it. Store each on its own.
  if (Status stored = store_telemetry(telemetry, payload); !stored) return stored;
  for (std::size_t i = 1; i < batch.size(); ++i) {
    auto single = store_.append(batch[i]);
    if (single) {
      if (!single->duplicate && batch[i].stream != kDeadLetterStream) ++routed_;
      if (!single->duplicate && batch[i].stream == kDeadLetterStream) {
        route_failures_ += outcome.failures.size();
      }
      continue;
    }
    if (single.error().code == ErrorCode::internal) return fail(single.error());
    ++route_failures_;
    if (Status kept = store_dead_letter(
            telemetry.topic, telemetry.device_id, payload,
            "stream '" + batch[i].stream + "' refused the record: " + single.error().message,
            telemetry.received_at_ms);
        !kept) {
      return kept;
    }
  }
  return ok_status();
}

Status TelemetryIngestor::store_dead_letter(std::string_view topic, std::string_view device_id,
                                            std::string_view payload, std::string reason,
                                            std::int64_t received_at_ms) {
  const NewRecord record =
      make_dead_letter(topic, device_id, payload, std::move(reason), received_at_ms);
  auto appended = store_.append(record);
  if (!appended) {
    if (appended.error().code == ErrorCode::unavailable) {
      return refuse(record.stream, record.device_id, std::nullopt);
    }
    return fail(appended.error());
  }
  ++deadlettered_;
  return ok_status();
}

Status TelemetryIngestor::refuse(std::string_view stream, std::string_view device_id,
                                 std::optional<std::uint64_t> seq) {
  ++refused_;
  if (refusal_listener_) {
    refusal_listener_(RefusedMessage{std::string(stream), std::string(device_id), seq});
  }
  return ok_status();
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

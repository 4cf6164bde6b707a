#include "ingest/message_plan.h"

#include "edgehub/protocol/payloads.h"
#include "edgehub/protocol/topics.h"

namespace edgehub::hub {
namespace {

void plan_dead_letter(std::string_view topic, std::string_view device_id, std::string_view payload,
                      std::string reason, std::int64_t received_at_ms, IngestPlan& plan) {
  plan.add(make_dead_letter(topic, device_id, payload, std::move(reason), received_at_ms),
           RecordPurpose{RecordRole::dead_letter, 0, {}});
}

void plan_routes(const NewRecord& telemetry, std::string_view original, RouteTable& routes,
                 IngestPlan& plan) {
  RoutingOutcome outcome = routes.route(RouteMessage{
      telemetry.device_id, *telemetry.seq, telemetry.received_at_ms, telemetry.payload, "{}"});
  for (RoutedCopy& copy : outcome.copies) {
    NewRecord routed = telemetry;
    routed.stream = std::move(copy.stream);
    routed.payload = std::move(copy.payload);
    plan.add(std::move(routed), RecordPurpose{RecordRole::routed, 0, original});
  }
  if (outcome.failures.empty()) return;
  // One record per reading, keyed by (device, seq) like the copies: a
  // redelivery does not dead-letter it twice.
  std::string reason;
  for (const RouteFailure& failure : outcome.failures) {
    if (!reason.empty()) reason += "; ";
    reason += failure.over_budget ? "route '" + failure.route + "' exceeded its time budget (" +
                                        failure.message + ")"
                                  : "route '" + failure.route + "' failed: " + failure.message;
  }
  NewRecord dead_letter = telemetry;
  dead_letter.stream = std::string(kDeadLetterStream);
  dead_letter.payload = std::string(original);
  dead_letter.reason = std::move(reason);
  plan.add(std::move(dead_letter),
           RecordPurpose{
               RecordRole::route_failure, static_cast<std::uint32_t>(outcome.failures.size()), {}});
}

}  // namespace

void plan_message(std::string_view topic, std::string_view payload, std::int64_t received_at_ms,
                  const PlanLimits& limits, RouteTable* routes, IngestPlan& plan) {
  protocol::ParsedTopic parsed{};
  const bool device_topic = protocol::parse_device_topic(topic, parsed);
  if (!device_topic || parsed.kind != protocol::TopicKind::telemetry) {
    plan_dead_letter(topic, device_topic ? parsed.device_id : std::string_view(), payload,
                     "topic '" + std::string(topic) + "' is not a device telemetry topic",
                     received_at_ms, plan);
    return;
  }
  if (payload.size() > limits.max_payload_bytes) {
    plan_dead_letter(topic, parsed.device_id, payload,
                     "payload too large: " + std::to_string(payload.size()) + " bytes > " +
                         std::to_string(limits.max_payload_bytes),
                     received_at_ms, plan);
    return;
  }
  auto message = protocol::parse_telemetry_message(payload, limits.max_batch_readings);
  if (!message) {
    plan_dead_letter(topic, parsed.device_id, payload, message.error().message, received_at_ms,
                     plan);
    return;
  }
  const bool use_routes = routes != nullptr && !routes->empty();
  const std::size_t count = message->readings.size();
  // At least one record per reading: grown once, not moved record by record
  // through every doubling (a batch of 1,000 readings).
  plan.records.reserve(plan.records.size() + count);
  plan.purposes.reserve(plan.purposes.size() + count);
  for (std::size_t index = 0; index < count; ++index) {
    protocol::BatchReading& reading = message->readings[index];
    // A single message's reading is its whole payload; a batch element's is
    // its own JSON text.
    const std::string_view original =
        message->batch ? std::string_view(plan.element_texts.emplace_back(std::move(reading.text)))
                       : payload;
    if (!reading.envelope) {
      plan_dead_letter(topic, parsed.device_id, original,
                       "batch element " + std::to_string(index + 1) + " of " +
                           std::to_string(count) + ": " + reading.problem,
                       received_at_ms, plan);
      continue;
    }
    NewRecord telemetry;
    telemetry.stream = std::string(kTelemetryStream);
    telemetry.received_at_ms = received_at_ms;
    telemetry.device_id = std::string(parsed.device_id);
    telemetry.seq = reading.envelope->seq;
    telemetry.topic = std::string(topic);
    telemetry.payload = std::move(reading.envelope->data_json);
    IngestPlan derived;
    if (use_routes) plan_routes(telemetry, original, *routes, derived);
    plan.add(std::move(telemetry), RecordPurpose{RecordRole::telemetry, 0, original});
    for (std::size_t i = 0; i < derived.records.size(); ++i) {
      plan.add(std::move(derived.records[i]), std::move(derived.purposes[i]));
    }
  }
}

}  // namespace edgehub::hub

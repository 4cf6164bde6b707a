#include "hubd/message_router.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "edgehub/protocol/topics.h"

namespace edgehub::hub {

MessageRouter::MessageRouter(TelemetrySubmit telemetry, CommandDispatcher& commands,
                             const Clock& clock, StoreRetryPolicy retry_policy,
                             StoreBrokenHandler on_store_broken,
                             std::function<void(std::chrono::milliseconds)> sleep)
    : telemetry_(std::move(telemetry)),
      commands_(commands),
      clock_(clock),
      retry_policy_(std::move(retry_policy)),
      on_store_broken_(std::move(on_store_broken)),
      sleep_(sleep ? std::move(sleep)
                   : [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); }) {}

Status MessageRouter::route_once(const IncomingMessage& message, std::int64_t received_at_ms) {
  protocol::ParsedTopic parsed{};
  if (protocol::parse_device_topic(message.topic, parsed) &&
      parsed.kind == protocol::TopicKind::responses) {
    return commands_.on_response(message.topic, message.payload);
  }
  // Telemetry, and anything else that reaches us (dead-lettered there).
  return telemetry_(message.topic, message.payload, received_at_ms);
}

void MessageRouter::handle(const IncomingMessage& message) {
  // One arrival time for every attempt: the record says when it came.
  const std::int64_t received_at_ms = clock_.now_ms();
  Status routed = route_once(message, received_at_ms);
  for (std::size_t attempt = 0; !routed && attempt < retry_policy_.delays.size(); ++attempt) {
    spdlog::warn("store: cannot record the message on {} ({}); retrying in {} ms", message.topic,
                 routed.error().message, retry_policy_.delays[attempt].count());
    sleep_(retry_policy_.delays[attempt]);
    routed = route_once(message, received_at_ms);
  }
  if (!routed) on_store_broken_(routed.error());
}

}  // namespace edgehub::hub

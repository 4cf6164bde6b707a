#include "hubd/message_router.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "edgehub/protocol/topics.h"
#include "presence/presence_event.h"

namespace edgehub::hub {

InboundKind classify_inbound_topic(std::string_view topic) {
  if (is_presence_topic(topic)) return InboundKind::presence;
  protocol::ParsedTopic parsed{};
  if (!protocol::parse_device_topic(topic, parsed)) return InboundKind::telemetry;
  switch (parsed.kind) {
    case protocol::TopicKind::responses:
      return InboundKind::response;
    case protocol::TopicKind::reported:
      return InboundKind::twin_report;
    default:
      return InboundKind::telemetry;
  }
}

MessageRouter::MessageRouter(InboundHandlers handlers, const Clock& clock,
                             StoreRetryPolicy retry_policy, StoreBrokenHandler on_store_broken,
                             ReceiveGuard* guard,
                             std::function<void(std::chrono::milliseconds)> sleep)
    : handlers_(std::move(handlers)),
      clock_(clock),
      retry_policy_(std::move(retry_policy)),
      on_store_broken_(std::move(on_store_broken)),
      guard_(guard),
      sleep_(std::move(sleep)) {}

void MessageRouter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  stopped_changed_.notify_all();
}

MessageRouter::StoreState MessageRouter::store_state() const {
  std::lock_guard lock(mutex_);
  return store_state_;
}

bool MessageRouter::wait_before_retry(std::chrono::milliseconds delay) {
  if (sleep_) {
    sleep_(delay);
  } else {
    std::unique_lock lock(mutex_);
    stopped_changed_.wait_for(lock, delay, [this] { return stopped_; });
  }
  std::lock_guard lock(mutex_);
  return !stopped_;
}

void MessageRouter::note_failure(const Error& error, std::int64_t since_ms) {
  std::lock_guard lock(mutex_);
  if (store_state_.failing_since_ms == 0) store_state_.failing_since_ms = since_ms;
  store_state_.last_error = error.message;
  ++store_state_.failed_attempts;
}

Status MessageRouter::route_once(InboundKind kind, const IncomingMessage& message,
                                 std::int64_t received_at_ms, const std::string& set_aside_reason) {
  if (!set_aside_reason.empty()) {
    return handlers_.set_aside(message.topic, message.payload, set_aside_reason, received_at_ms);
  }
  switch (kind) {
    case InboundKind::response:
      return handlers_.response(message.topic, message.payload);
    case InboundKind::twin_report:
      return handlers_.twin_report(message.topic, message.payload);
    case InboundKind::presence:
      return handlers_.presence(message.topic, message.payload);
    case InboundKind::telemetry:
      break;
  }
  return handlers_.telemetry(message.topic, message.payload, received_at_ms);
}

void MessageRouter::handle_with_retries(InboundKind kind, const IncomingMessage& message,
                                        const std::string& set_aside_reason) {
  // One arrival time for every attempt: the record says when it came.
  const std::int64_t received_at_ms = clock_.now_ms();
  Status routed = route_once(kind, message, received_at_ms, set_aside_reason);
  for (std::size_t attempt = 0; !routed; ++attempt) {
    note_failure(routed.error(), clock_.now_ms());
    const auto delay =
        retry_policy_.delays.empty()
            ? std::chrono::milliseconds(1000)
            : retry_policy_.delays[std::min(attempt, retry_policy_.delays.size() - 1)];
    spdlog::warn(
        "store: cannot record the message on {} ({}); not acknowledged, retrying in {} ms "
        "(attempt {})",
        message.topic, routed.error().message, delay.count(), attempt + 2);
    if (!wait_before_retry(delay)) {
      on_store_broken_(routed.error());
      return;  // only a test's handler returns
    }
    routed = route_once(kind, message, received_at_ms, set_aside_reason);
  }
  std::lock_guard lock(mutex_);
  if (store_state_.failing_since_ms != 0) {
    spdlog::info("store: recording works again; the message on {} is stored", message.topic);
    store_state_.failing_since_ms = 0;
  }
}

void MessageRouter::handle(const IncomingMessage& message) {
  if (message.retained) {
    spdlog::debug("mqtt: ignoring the retained message replayed on {}", message.topic);
    return;
  }
  const InboundKind kind = classify_inbound_topic(message.topic);
  const bool guarded =
      guard_ && (kind == InboundKind::response || kind == InboundKind::twin_report);
  if (!guarded) {
    handle_with_retries(kind, message);
    return;
  }
  const std::uint32_t attempt = guard_->begin(message.topic, message.payload);
  std::string set_aside_reason;
  if (attempt > guard_->max_attempts()) {
    set_aside_reason = died_while_processing_reason(attempt - 1);
    spdlog::error("mqtt: the message on {} ({} bytes) set aside as a dead letter: {}",
                  message.topic, message.payload.size(), set_aside_reason);
  }
  handle_with_retries(kind, message, set_aside_reason);
  guard_->end();
}

}  // namespace edgehub::hub

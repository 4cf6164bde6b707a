#include "presence/presence_event.h"

#include <nlohmann/json.hpp>

#include "edgehub/protocol/topics.h"

namespace edgehub::hub {
namespace {

Error invalid(std::string message) {
  return make_error(ErrorCode::invalid_argument, "presence event: " + std::move(message));
}

}  // namespace

bool is_known_limit(std::string_view limit) noexcept {
  for (std::string_view known : kDeviceLimitNames) {
    if (limit == known) return true;
  }
  return false;
}

bool is_presence_topic(std::string_view topic) noexcept { return topic.substr(0, 5) == "$hub/"; }

const char* to_string(PresenceEvent::Kind kind) noexcept {
  switch (kind) {
    case PresenceEvent::Kind::connected:
      return "connected";
    case PresenceEvent::Kind::subscribed:
      return "subscribed";
    case PresenceEvent::Kind::disconnected:
      return "disconnected";
    case PresenceEvent::Kind::broker_started:
      return "broker-started";
    case PresenceEvent::Kind::limited:
      return "limited";
  }
  return "unknown";
}

Result<PresenceEvent> parse_presence_event(std::string_view topic, std::string_view payload) {
  PresenceEvent event;
  const bool broker_event = topic == kBrokerEventsTopic;
  if (!broker_event) {
    if (topic.substr(0, kPresenceTopicPrefix.size()) != kPresenceTopicPrefix) {
      return invalid("unknown topic '" + std::string(topic) + "'");
    }
    event.device_id = std::string(topic.substr(kPresenceTopicPrefix.size()));
    if (!protocol::is_valid_device_id(event.device_id)) {
      return invalid("'" + event.device_id + "' is not a device id");
    }
  }
  const nlohmann::json body = nlohmann::json::parse(payload, nullptr, false);
  if (!body.is_object()) return invalid("payload is not a JSON object");
  const std::string kind = body.value("event", "");
  if (broker_event && kind == "started") {
    event.kind = PresenceEvent::Kind::broker_started;
  } else if (!broker_event && kind == "connected") {
    event.kind = PresenceEvent::Kind::connected;
  } else if (!broker_event && kind == "subscribed") {
    event.kind = PresenceEvent::Kind::subscribed;
  } else if (!broker_event && kind == "disconnected") {
    event.kind = PresenceEvent::Kind::disconnected;
  } else if (kind == "limited") {
    event.kind = PresenceEvent::Kind::limited;
  } else {
    return invalid("unknown event '" + kind + "' on '" + std::string(topic) + "'");
  }
  for (const char* field : {"at_ms", "broker_run", "seq"}) {
    if (!body.contains(field) || !body[field].is_number_unsigned()) {
      return invalid(std::string("missing unsigned integer field '") + field + "'");
    }
  }
  event.at_ms = body["at_ms"].get<std::int64_t>();
  event.broker_run = body["broker_run"].get<std::uint64_t>();
  event.seq = body["seq"].get<std::uint64_t>();
  if (event.kind == PresenceEvent::Kind::limited) {
    event.limit = body.value("limit", "");
    event.reason = body.value("reason", "");
    if (!is_known_limit(event.limit)) return invalid("unknown limit '" + event.limit + "'");
    if (!body.contains("hits") || !body["hits"].is_number_unsigned() ||
        body["hits"].get<std::uint64_t>() == 0) {
      return invalid("field 'hits' of a limited event is not a positive integer");
    }
    event.hits = body["hits"].get<std::uint64_t>();
  } else if (!broker_event) {
    if (!body.contains("connection") || !body["connection"].is_number_unsigned()) {
      return invalid("missing unsigned integer field 'connection'");
    }
    event.connection = body["connection"].get<std::uint64_t>();
  }
  if (event.kind == PresenceEvent::Kind::subscribed) {
    event.subscribed_to = body.value("topic", "");
    if (event.subscribed_to != "commands" && event.subscribed_to != "desired") {
      return invalid("field 'topic' of a subscribed event is not 'commands' or 'desired'");
    }
  }
  return event;
}

}  // namespace edgehub::hub

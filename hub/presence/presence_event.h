// What the broker plugin reports on $hub/presence/<device-id> (QoS 1):
//   {"event": "connected"|"subscribed"|"disconnected", "at_ms": <broker clock>,
//    "connection": <number of this connection in this broker run>,
//    "broker_run": <id of the broker run>, "seq": <strictly increasing per broker>}
// and on $hub/broker: {"event": "started", "broker_run": R, "at_ms": T, "seq": S}
// when a broker starts (every earlier connection is gone).
// A limit hit (hub/mosquitto-plugin/limit_reports.h: reported at most twice
// per device, limit and minute, `hits` counts every hit since the last report):
//   {"event": "limited", "at_ms", "broker_run", "seq",
//    "limit": "messages_per_second"|"bytes_per_second"|"connects_per_minute"|
//             "retained"|"connect_timeout"|"journal_unavailable"|
//             "certificate_validity", "reason": "...", "hits": N}
// on $hub/presence/<device-id>, or on $hub/broker when no device is known
// (connect_timeout: a connection that never finished TLS + CONNECT). Devices cannot
// publish to $hub/...: only the plugin (mosquitto_broker_publish) can.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hub {

inline constexpr std::string_view kPresenceTopicPrefix = "$hub/presence/";
inline constexpr std::string_view kBrokerEventsTopic = "$hub/broker";
inline constexpr std::string_view kPresenceFilter = "$hub/#";

struct PresenceEvent {
  // subscribed: the connection subscribed to its command (or desired) topic:
  // commands can be delivered now. It changes no connection state and is
  // not recorded; the tracker marks the connection subscribed.
  // limited: a device (or, device_id empty, an unknown connection) hit a
  // limit of the plugin; it changes no presence state.
  enum class Kind { connected, subscribed, disconnected, broker_started, limited };
  Kind kind = Kind::connected;
  std::string device_id;  // empty for broker_started
  std::int64_t at_ms = 0;
  std::uint64_t connection = 0;
  std::uint64_t broker_run = 0;
  std::uint64_t seq = 0;
  std::string subscribed_to;  // subscribed: "commands" or "desired"
  std::string limit;          // limited: which limit
  std::string reason;         // limited: the plugin's words
  std::uint64_t hits = 0;     // limited: hits since the previous report (>= 1)
};

// The limits a "limited" event may name (the plugin's DeviceLimit).
inline constexpr std::string_view kDeviceLimitNames[] = {
    "messages_per_second", "bytes_per_second",    "connects_per_minute", "retained",
    "connect_timeout",     "journal_unavailable", "certificate_validity"};
bool is_known_limit(std::string_view limit) noexcept;

bool is_presence_topic(std::string_view topic) noexcept;
// invalid_argument with the reason for a topic or payload that is not one.
Result<PresenceEvent> parse_presence_event(std::string_view topic, std::string_view payload);
const char* to_string(PresenceEvent::Kind kind) noexcept;

}  // namespace edgehub::hub

// What the plugin tells hubd about connections (hub/presence/presence_event.h
// is the payload contract): "connected" when a device is admitted on a new
// connection, "disconnected" when that connection ends, "started" once per
// broker run, "limited" when a device hit a limit (limit_reports.h decides
// how often). Pure: the entry points publish what it returns with
// mosquitto_broker_publish_copy (QoS 1, not retained: hubd's persistent
// session queues them while hubd is away).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mosquitto-plugin/limit_reports.h"

namespace edgehub::hub::mosquitto_auth {

struct PresenceMessage {
  std::string topic;
  std::string payload;
};

class PresenceAnnouncer {
 public:
  // broker_run: this broker run's id (its start time in ms); seq numbers
  // start at first_seq (the start time in us) so they keep increasing across
  // broker restarts.
  PresenceAnnouncer(std::uint64_t broker_run, std::uint64_t first_seq);

  PresenceMessage broker_started(std::int64_t now_ms);
  // A device admitted on connection (the broker's context). nullopt when the
  // connection was already announced (BASIC_AUTH again on SIGHUP).
  std::optional<PresenceMessage> admitted(std::string_view device_id, const void* connection,
                                          std::int64_t now_ms);
  // The device on connection subscribed to one of its own hub -> device
  // topics (leaf: "commands" or "desired"): hubd sends what waits for it
  // there on this, not on "connected" (on a first connection the
  // subscription does not exist yet). nullopt if the connection was never
  // announced.
  std::optional<PresenceMessage> subscribed(const void* connection, std::string_view leaf,
                                            std::int64_t now_ms);
  // A connection ended; nullopt if it was never announced (refused, services).
  std::optional<PresenceMessage> disconnected(const void* connection, std::int64_t now_ms);
  // A device connection was announced and has not ended.
  bool is_announced(const void* connection) const { return live_.count(connection) != 0; }
  // A limit report: on $hub/presence/<id>, or on $hub/broker for a report
  // without a device (connect_timeout).
  PresenceMessage limited(const LimitReport& report, std::int64_t now_ms);

 private:
  struct Announced {
    std::string device_id;
    std::uint64_t number;
  };
  PresenceMessage message(std::string topic, const char* event, std::int64_t now_ms,
                          std::optional<std::uint64_t> connection);

  std::uint64_t broker_run_;
  std::uint64_t next_seq_;
  std::uint64_t connections_ = 0;
  std::unordered_map<const void*, Announced> live_;
};

}  // namespace edgehub::hub::mosquitto_auth

#include "mosquitto-plugin/presence_announcer.h"

namespace edgehub::hub::mosquitto_auth {
namespace {

// Reasons are the plugin's own text; escaped all the same.
std::string json_string(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      quoted += ' ';
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

}  // namespace

PresenceAnnouncer::PresenceAnnouncer(std::uint64_t broker_run, std::uint64_t first_seq)
    : broker_run_(broker_run), next_seq_(first_seq) {}

PresenceMessage PresenceAnnouncer::message(std::string topic, const char* event,
                                           std::int64_t now_ms,
                                           std::optional<std::uint64_t> connection) {
  std::string payload =
      std::string("{\"event\":\"") + event + "\",\"at_ms\":" + std::to_string(now_ms) +
      ",\"broker_run\":" + std::to_string(broker_run_) + ",\"seq\":" + std::to_string(next_seq_++);
  if (connection) payload += ",\"connection\":" + std::to_string(*connection);
  payload += "}";
  return PresenceMessage{std::move(topic), std::move(payload)};
}

PresenceMessage PresenceAnnouncer::broker_started(std::int64_t now_ms) {
  return message("$hub/broker", "started", now_ms, std::nullopt);
}

std::optional<PresenceMessage> PresenceAnnouncer::admitted(std::string_view device_id,
                                                           const void* connection,
                                                           std::int64_t now_ms) {
  if (live_.count(connection) != 0) return std::nullopt;
  const std::uint64_t number = ++connections_;
  live_[connection] = Announced{std::string(device_id), number};
  return message("$hub/presence/" + std::string(device_id), "connected", now_ms, number);
}

std::optional<PresenceMessage> PresenceAnnouncer::subscribed(const void* connection,
                                                             std::string_view leaf,
                                                             std::int64_t now_ms) {
  const auto found = live_.find(connection);
  if (found == live_.end()) return std::nullopt;
  PresenceMessage announced = message("$hub/presence/" + found->second.device_id, "subscribed",
                                      now_ms, found->second.number);
  announced.payload.insert(announced.payload.size() - 1,
                           ",\"topic\":\"" + std::string(leaf) + "\"");
  return announced;
}

std::optional<PresenceMessage> PresenceAnnouncer::disconnected(const void* connection,
                                                               std::int64_t now_ms) {
  const auto found = live_.find(connection);
  if (found == live_.end()) return std::nullopt;
  const Announced announced = found->second;
  live_.erase(found);
  return message("$hub/presence/" + announced.device_id, "disconnected", now_ms, announced.number);
}

PresenceMessage PresenceAnnouncer::limited(const LimitReport& report, std::int64_t now_ms) {
  std::string topic =
      report.device_id.empty() ? std::string("$hub/broker") : "$hub/presence/" + report.device_id;
  PresenceMessage announced = message(std::move(topic), "limited", now_ms, std::nullopt);
  announced.payload.insert(announced.payload.size() - 1,
                           std::string(",\"limit\":\"") + to_string(report.limit) +
                               "\",\"reason\":" + json_string(report.reason) +
                               ",\"hits\":" + std::to_string(report.hits));
  return announced;
}

}  // namespace edgehub::hub::mosquitto_auth

#include "commands/command_dispatcher.h"

#include <array>

#include "edgehub/protocol/payloads.h"
#include "edgehub/protocol/topics.h"

namespace edgehub::hub {
namespace {

Error invalid(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

std::string commands_topic(std::string_view device_id) {
  std::array<char, protocol::kMaxTopicLength> buffer{};
  const std::size_t length = protocol::build_device_topic(protocol::TopicKind::commands, device_id,
                                                          buffer.data(), buffer.size());
  return std::string(buffer.data(), length);
}

Error hub_stopping() { return make_error(ErrorCode::unavailable, "the hub is stopping"); }

}  // namespace

CommandDispatcher::CommandDispatcher(const DeviceRegistry& registry, BrokerConnection& broker,
                                     StreamStore& dead_letters, const Clock& clock,
                                     CommandIdGenerator new_command_id)
    : registry_(registry),
      broker_(broker),
      dead_letters_(dead_letters),
      clock_(clock),
      new_command_id_(std::move(new_command_id)) {}

Result<CommandOutcome> CommandDispatcher::send(std::string_view device_id, std::string_view name,
                                               std::string_view payload_json,
                                               std::chrono::milliseconds timeout) {
  if (!protocol::is_valid_command_name(name)) {
    return invalid("'" + std::string(name) +
                   "' is not a valid command name (1-64 characters of [A-Za-z0-9._-])");
  }
  if (timeout < std::chrono::milliseconds(1) || timeout > kMaxCommandTimeout) {
    return invalid("timeout_ms must be 1-" + std::to_string(kMaxCommandTimeout.count()) + ", not " +
                   std::to_string(timeout.count()));
  }
  auto payload = protocol::canonical_json(payload_json.empty() ? "null" : payload_json);
  if (!payload) return invalid("command payload: " + payload.error().message);

  auto device = registry_.find(device_id);
  if (!device) return device.error();
  if (device->role != DeviceRole::device) {
    return invalid("'" + device->id + "' is the hub's service identity, not a device");
  }
  if (device->status == DeviceStatus::disabled) {
    return make_error(ErrorCode::conflict, "device '" + device->id + "' is disabled");
  }
  if (!broker_.is_connected()) {
    return make_error(ErrorCode::unavailable, "the hub is not connected to the broker");
  }

  protocol::CommandRequest request;
  request.id = new_command_id_();
  request.name = std::string(name);
  request.payload_json = std::move(*payload);
  request.timeout_ms = static_cast<std::uint32_t>(timeout.count());

  const auto started = std::chrono::steady_clock::now();
  if (!pending_.add(request.id, device->id)) return hub_stopping();
  if (Status published =
          broker_.publish(commands_topic(device->id), protocol::build_command(request), 1);
      !published) {
    pending_.remove(request.id);
    return published.error();
  }
  auto response = pending_.wait_and_remove(request.id, started + timeout);
  if (!response && pending_.closed()) return hub_stopping();
  if (!response) {
    return make_error(ErrorCode::timeout, "device '" + device->id + "' did not answer command '" +
                                              request.id + "' (" + request.name + ") within " +
                                              std::to_string(timeout.count()) + " ms");
  }
  CommandOutcome outcome;
  outcome.id = request.id;
  outcome.device_id = device->id;
  outcome.name = request.name;
  outcome.status = response->status;
  outcome.payload_json = std::move(response->payload_json);
  outcome.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  return outcome;
}

Status CommandDispatcher::on_response(std::string_view topic, std::string_view payload) {
  protocol::ParsedTopic parsed{};
  if (!protocol::parse_device_topic(topic, parsed) ||
      parsed.kind != protocol::TopicKind::responses) {
    return dead_letter(topic, {}, payload,
                       "topic '" + std::string(topic) + "' is not a device responses topic");
  }
  auto response = protocol::parse_command_response(payload);
  if (!response) {
    return dead_letter(topic, parsed.device_id, payload,
                       "invalid command response: " + response.error().message);
  }
  const std::string command_id = response->id;
  const auto delivery = pending_.deliver(parsed.device_id, std::move(*response));
  switch (delivery.outcome) {
    case PendingCommands::Delivery::delivered:
      return ok_status();
    case PendingCommands::Delivery::unknown_command:
      return dead_letter(topic, parsed.device_id, payload,
                         "response to command '" + command_id +
                             "', which the hub is not waiting for (unknown or timed out)");
    case PendingCommands::Delivery::wrong_device:
      return dead_letter(topic, parsed.device_id, payload,
                         "response from device '" + std::string(parsed.device_id) +
                             "' to command '" + command_id + "', which was sent to device '" +
                             delivery.addressed_device + "'");
    case PendingCommands::Delivery::already_answered:
      return dead_letter(topic, parsed.device_id, payload,
                         "second response to command '" + command_id + "'");
  }
  return ok_status();
}

Status CommandDispatcher::dead_letter(std::string_view topic, std::string_view device_id,
                                      std::string_view payload, std::string reason) {
  NewRecord record;
  record.stream = std::string(kDeadLetterStream);
  record.received_at_ms = clock_.now_ms();
  record.device_id = std::string(device_id);
  record.topic = std::string(topic);
  record.payload = std::string(payload);
  record.reason = std::move(reason);
  auto appended = dead_letters_.append(record);
  if (!appended) return appended.error();
  ++dead_lettered_;
  return ok_status();
}

}  // namespace edgehub::hub

#include "commands/command_answers.h"

#include "edgehub/protocol/payloads.h"
#include "edgehub/protocol/topics.h"

namespace edgehub::hub {

CommandAnswers::CommandAnswers(CommandStore& store, PendingCommands& waiting,
                               StreamStore& dead_letters, const Clock& clock)
    : store_(store), waiting_(waiting), dead_letters_(dead_letters), clock_(clock) {}

Status CommandAnswers::on_response(std::string_view topic, std::string_view payload) {
  protocol::ParsedTopic parsed{};
  if (!protocol::parse_device_topic(topic, parsed) ||
      parsed.kind != protocol::TopicKind::responses) {
    return dead_letter(topic, {}, payload,
                       "topic '" + std::string(topic) + "' is not a device responses topic");
  }
  // Before parsing: this runs on the thread that receives every device's
  // messages.
  if (payload.size() > max_response_bytes_) {
    return dead_letter(topic, parsed.device_id, payload,
                       "command response too large: " + std::to_string(payload.size()) +
                           " bytes > " + std::to_string(max_response_bytes_));
  }
  auto response = protocol::parse_command_response(payload);
  if (!response) {
    return dead_letter(topic, parsed.device_id, payload,
                       "invalid command response: " + response.error().message);
  }
  auto command = store_.find(response->id);
  if (!command) {
    if (command.error().code != ErrorCode::not_found) return command.error();
    return dead_letter(
        topic, parsed.device_id, payload,
        "response to command '" + response->id + "', which the hub is not waiting for (unknown)");
  }
  if (command->device_id != parsed.device_id) {
    return dead_letter(topic, parsed.device_id, payload,
                       "response from device '" + std::string(parsed.device_id) + "' to command '" +
                           command->id + "', which was sent to device '" + command->device_id +
                           "'");
  }
  const std::int64_t now = clock_.now_ms();
  CommandUpdate update;
  update.state = state_for_device_status(response->status);
  update.finished_at_ms = now;
  update.response_status = response->status;
  update.response_payload_json = response->payload_json;
  update.responded_at_ms = now;
  // queued too: a restart may have put it back after the device got it.
  auto decided = store_.transition(command->id, {CommandState::sent, CommandState::queued}, update);
  if (!decided) return decided.error();
  if (*decided) {
    if (round_trip_ && command->sent_at_ms) round_trip_(now - *command->sent_at_ms);
    const std::string device(parsed.device_id);
    waiting_.deliver(device, std::move(*response));
    return ok_status();
  }
  if (command->response_status) {
    return dead_letter(topic, parsed.device_id, payload,
                       "second response to command '" + command->id + "'");
  }
  auto recorded =
      store_.record_late_answer(command->id, response->status, response->payload_json, now);
  if (!recorded) return recorded.error();
  return dead_letter(topic, parsed.device_id, payload,
                     "response to command '" + command->id +
                         "', which the hub is not waiting for (" + to_string(command->state) +
                         "; recorded on the command as a late answer)");
}

Status CommandAnswers::dead_letter(std::string_view topic, std::string_view device_id,
                                   std::string_view payload, std::string reason) {
  auto appended = dead_letters_.append(
      make_dead_letter(topic, device_id, payload, std::move(reason), clock_.now_ms()));
  if (!appended) return appended.error();
  ++dead_lettered_;
  return ok_status();
}

}  // namespace edgehub::hub

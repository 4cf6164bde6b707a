#include "commands/command_outcome.h"

namespace edgehub::hub {
namespace {

Error unanswered(const CommandRecord& command) {
  if (command.state == CommandState::expired) {
    return make_error(
        ErrorCode::timeout,
        "device '" + command.device_id + "' did not answer command '" + command.id + "' (" +
            command.name + ") within " + std::to_string(command.timeout_ms) +
            " ms: it was not connected (or had not subscribed to its command topic), the "
            "command expired without being sent");
  }
  return make_error(ErrorCode::timeout, "device '" + command.device_id +
                                            "' did not answer command '" + command.id + "' (" +
                                            command.name + ") within " +
                                            std::to_string(command.timeout_ms) + " ms");
}

}  // namespace

CommandOutcome outcome_of(const CommandRecord& command) {
  CommandOutcome outcome;
  outcome.id = command.id;
  outcome.device_id = command.device_id;
  outcome.name = command.name;
  outcome.status = command.response_status.value_or(0);
  outcome.payload_json = command.response_payload_json.value_or("null");
  outcome.latency_ms =
      command.responded_at_ms ? *command.responded_at_ms - command.created_at_ms : 0;
  return outcome;
}

Result<CommandRecord> synchronous_result(CommandRecord command) {
  switch (command.state) {
    case CommandState::timed_out:
    case CommandState::expired:
      return unanswered(command);
    case CommandState::cancelled:
      return make_error(ErrorCode::conflict, "command '" + command.id + "' was cancelled");
    default:
      return command;
  }
}

}  // namespace edgehub::hub

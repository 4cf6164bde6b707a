#include "commands/command_submission.h"

#include <string_view>

namespace edgehub::hub {
namespace {

Error invalid(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

}  // namespace

Result<CommandSubmission> validate_submission(const CommandSubmission& submission,
                                              std::size_t max_payload_bytes) {
  if (!protocol::is_valid_command_name(submission.name)) {
    return invalid("'" + submission.name +
                   "' is not a valid command name (1-64 characters of [A-Za-z0-9._-])");
  }
  if (!submission.id.empty() && !protocol::is_valid_command_id(submission.id)) {
    return invalid("'" + submission.id +
                   "' is not a valid command id (1-64 characters of [A-Za-z0-9._-])");
  }
  if (submission.timeout < std::chrono::milliseconds(1) ||
      submission.timeout > kMaxCommandTimeout) {
    return invalid("timeout_ms must be 1-" + std::to_string(kMaxCommandTimeout.count()) + ", not " +
                   std::to_string(submission.timeout.count()));
  }
  // Only a queued command waits for its device up to a ttl.
  if (submission.queue &&
      (submission.ttl < std::chrono::milliseconds(1) || submission.ttl > kMaxQueueTtl)) {
    return invalid("ttl_ms must be 1-" + std::to_string(kMaxQueueTtl.count()) + ", not " +
                   std::to_string(submission.ttl.count()));
  }
  auto payload = protocol::canonical_json(submission.payload_json.empty()
                                              ? std::string_view("null")
                                              : std::string_view(submission.payload_json));
  if (!payload) return invalid("command payload: " + payload.error().message);
  // Measured canonical: that is what goes into the MQTT packet.
  if (payload->size() > max_payload_bytes) {
    return make_error(ErrorCode::too_large,
                      "command payload too large: " + std::to_string(payload->size()) +
                          " bytes > " + std::to_string(max_payload_bytes));
  }
  CommandSubmission valid = submission;
  valid.payload_json = std::move(*payload);
  return valid;
}

Status check_command_target(const DeviceRecord& device) {
  if (device.role != DeviceRole::device) {
    return invalid("'" + device.id + "' is the hub's service identity, not a device");
  }
  if (device.status == DeviceStatus::disabled) {
    return make_error(ErrorCode::conflict, "device '" + device.id + "' is disabled");
  }
  return ok_status();
}

CommandRecord new_command_record(const CommandSubmission& submission, std::string id,
                                 std::string device_id, std::int64_t now_ms) {
  CommandRecord command;
  command.id = std::move(id);
  command.device_id = std::move(device_id);
  command.name = submission.name;
  command.payload_json = submission.payload_json;
  command.state = CommandState::queued;
  command.timeout_ms = static_cast<std::uint32_t>(submission.timeout.count());
  command.queued_by_operator = submission.queue;
  command.created_at_ms = now_ms;
  command.expires_at_ms = now_ms + (submission.queue ? submission.ttl : submission.timeout).count();
  command.job_id = submission.job_id;
  return command;
}

}  // namespace edgehub::hub

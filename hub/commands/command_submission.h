// What an operator asks for when sending a command, and the checks that need
// nothing but the request itself (no store, no registry, no broker): a
// request refused here has touched nothing. The submission flow that uses
// them (idempotent ids, queue depth, waiting) is command_dispatcher.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "commands/command_limits.h"
#include "commands/command_record.h"
#include "edgehub/common/result.h"
#include "registry/device_registry.h"

namespace edgehub::hub {

struct CommandSubmission {
  std::string device_id;
  std::string name;
  std::string payload_json = "null";
  std::chrono::milliseconds timeout = kDefaultCommandTimeout;  // for the answer, once sent
  // The operator's id: the same id again returns that command, never runs it
  // twice. Empty: the hub makes one.
  std::string id;
  // true: return at once (state queued or sent); the command waits for the
  // device up to ttl. false: wait for the answer up to timeout (the device
  // must connect within it).
  bool queue = false;
  std::chrono::milliseconds ttl = kDefaultQueueTtl;
  std::string job_id;
};

// The submission with its payload as canonical JSON text (what is stored and
// published; an empty payload is null), or:
//   invalid_argument  bad name or id, timeout or (queued) ttl out of range,
//                     payload not JSON or nested too deep
//   too_large         the canonical payload is over max_payload_bytes
Result<CommandSubmission> validate_submission(const CommandSubmission& submission,
                                              std::size_t max_payload_bytes);

// Whether a registered device may be sent commands: invalid_argument for the
// hub's service identity, conflict for a disabled device.
Status check_command_target(const DeviceRecord& device);

// The record of a new command as it enters its life, queued: it expires at
// now + ttl if queued by the operator, at now + timeout if someone waits.
CommandRecord new_command_record(const CommandSubmission& submission, std::string id,
                                 std::string device_id, std::int64_t now_ms);

}  // namespace edgehub::hub

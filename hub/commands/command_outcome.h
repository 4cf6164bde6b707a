// What a synchronous caller (an operator waiting for the answer) gets for a
// command that has reached its final state: the answer, or the error that
// says why none came.
#pragma once

#include <cstdint>
#include <string>

#include "commands/command_record.h"
#include "edgehub/common/result.h"

namespace edgehub::hub {

struct CommandOutcome {
  std::string id;
  std::string device_id;
  std::string name;
  int status = 0;                     // the device's own status (200, 400, 404, 500, ...)
  std::string payload_json = "null";  // the device's result
  std::int64_t latency_ms = 0;        // request to answer (hub clock)
};

// A synchronous command's result as the REST API returns it.
CommandOutcome outcome_of(const CommandRecord& command);

// The command itself if the device answered (whatever its status), else
// timeout (timed-out, or expired unsent: the message says the device was
// not connected or not subscribed) or conflict (cancelled).
Result<CommandRecord> synchronous_result(CommandRecord command);

}  // namespace edgehub::hub

// A synchronous command as an operator sends one (POST
// /devices/<id>/commands without "queue"): submit, wait, the outcome.
#pragma once

#include <chrono>
#include <string>

#include "commands/command_dispatcher.h"

namespace edgehub::test {

inline Result<hub::CommandOutcome> send_command(hub::CommandDispatcher& dispatcher,
                                                std::string device_id, std::string name,
                                                std::string payload_json,
                                                std::chrono::milliseconds timeout) {
  hub::CommandSubmission submission;
  submission.device_id = std::move(device_id);
  submission.name = std::move(name);
  submission.payload_json = std::move(payload_json);
  submission.timeout = timeout;
  auto command = dispatcher.submit(submission);
  if (!command) return command.error();
  return hub::outcome_of(*command);
}

}  // namespace edgehub::test

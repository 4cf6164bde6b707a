#include "command_desk.h"

namespace edgehub::sim {

CommandDesk::CommandDesk(const CommandBehaviour& behaviour, RandomSource& random,
                         DeviceActions& device)
    : behaviour_(behaviour), random_(random), device_(device) {}

CommandOutcome CommandDesk::receive(const IncomingCommand& command, std::uint64_t epoch_ms) {
  ++statistics_.received;
  CommandAnswer remembered;
  if (memory_.lookup(command.id, &remembered)) {
    ++statistics_.duplicates;
    return CommandOutcome{std::move(remembered), 0};
  }
  if (command.deadline_ms != 0 && epoch_ms > command.deadline_ms) {
    ++statistics_.deadline_passed;
    return answer(command.id, {kStatusDeadlinePassed, R"({"error":"deadline passed"})"}, 0);
  }
  const CommandDecision decision = decide(behaviour_, random_);
  if (decision.fail) {
    ++statistics_.failed;
    return answer(command.id, {kStatusSimulatedFailure, R"({"error":"simulated failure"})"},
                  decision.delay_ms);
  }
  ++statistics_.executed;
  return answer(command.id, execute_builtin_command(command.name, command.payload, device_),
                decision.delay_ms);
}

CommandOutcome CommandDesk::answer(std::string_view id, CommandAnswer answer,
                                   std::uint64_t busy_ms) {
  memory_.remember(id, answer);
  return CommandOutcome{std::move(answer), busy_ms};
}

}  // namespace edgehub::sim

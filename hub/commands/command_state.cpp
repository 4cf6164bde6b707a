#include "commands/command_state.h"

namespace edgehub::hub {

namespace {
constexpr CommandState kAllStates[] = {
    CommandState::queued,   CommandState::sent,    CommandState::completed,
    CommandState::rejected, CommandState::failed,  CommandState::expired,
    CommandState::timed_out, CommandState::cancelled};
}  // namespace

const char* to_string(CommandState state) noexcept {
  switch (state) {
    case CommandState::queued:
      return "queued";
    case CommandState::sent:
      return "sent";
    case CommandState::completed:
      return "completed";
    case CommandState::rejected:
      return "rejected";
    case CommandState::failed:
      return "failed";
    case CommandState::expired:
      return "expired";
    case CommandState::timed_out:
      return "timed-out";
    case CommandState::cancelled:
      return "cancelled";
  }
  return "unknown";
}

std::optional<CommandState> parse_command_state(std::string_view text) noexcept {
  for (CommandState state : kAllStates) {
    if (text == to_string(state)) return state;
  }
  return std::nullopt;
}

bool is_final(CommandState state) noexcept {
  return state != CommandState::queued && state != CommandState::sent;
}

CommandState state_for_device_status(int status) noexcept {
  if (status >= 200 && status <= 299) return CommandState::completed;
  if (status >= 400 && status <= 499) return CommandState::rejected;
  return CommandState::failed;
}

}  // namespace edgehub::hub

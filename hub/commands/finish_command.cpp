#include "commands/finish_command.h"

#include <string>

namespace edgehub::hub {

Result<bool> finish_command(CommandStore& store, PendingCommands& waiting,
                            std::string_view command_id, CommandState from, CommandState to,
                            std::int64_t now_ms) {
  CommandUpdate update;
  update.state = to;
  update.finished_at_ms = now_ms;
  auto changed = store.transition(command_id, {from}, update);
  if (!changed) return changed.error();
  if (*changed) waiting.resolve(std::string(command_id));
  return *changed;
}

}  // namespace edgehub::hub

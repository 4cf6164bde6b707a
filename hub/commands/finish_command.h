// Ends a command without an answer (expired, timed-out, cancelled) and wakes
// its synchronous sender. Every such ending goes through here, so that no
// sender sleeps on to its timeout for a command that has already ended.
#pragma once

#include <cstdint>
#include <string_view>

#include "commands/command_state.h"
#include "commands/command_store.h"
#include "commands/pending_commands.h"
#include "edgehub/common/result.h"

namespace edgehub::hub {

// Moves the command from `from` to `to` (compare-and-set: false, nothing
// changed, if it is no longer in `from`); not_found if there is no such
// command.
Result<bool> finish_command(CommandStore& store, PendingCommands& waiting,
                            std::string_view command_id, CommandState from, CommandState to,
                            std::int64_t now_ms);

}  // namespace edgehub::hub

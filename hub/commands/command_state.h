// A command's life: queued -> sent -> completed | failed | rejected |
// timed-out, or queued -> expired | cancelled. Final states never change.
#pragma once

#include <optional>
#include <string_view>

namespace edgehub::hub {

enum class CommandState {
  queued,     // recorded, not handed to the broker (device offline or not yet sent)
  sent,       // published to the connected device, waiting for its answer
  completed,  // the device answered with a 2xx status
  rejected,   // the device answered with a 4xx status (bad arguments, unknown command)
  failed,     // the device answered with another status (5xx: it tried and failed)
  expired,    // never sent: the device did not connect before the command's expiry
  timed_out,  // sent, but no answer before the deadline (a late answer is still recorded)
  cancelled,  // the operator cancelled it while it was queued
};

// "queued", "sent", ..., "timed-out" (the protocol's spelling).
const char* to_string(CommandState state) noexcept;
std::optional<CommandState> parse_command_state(std::string_view text) noexcept;
bool is_final(CommandState state) noexcept;
// The final state for a device's answer with this status.
CommandState state_for_device_status(int status) noexcept;

}  // namespace edgehub::hub

// A command as its device receives it (docs/protocol.md section 4): the
// topic and the JSON text published there. Pure: the publishing is
// command_delivery.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "commands/command_record.h"

namespace edgehub::hub {

// devices/<id>/commands.
std::string command_topic(std::string_view device_id);

// The protocol's command fields plus deadline_ms, the absolute time (hub
// clock) after which nobody waits for the answer: a device with a clock
// drops a command that arrives later.
std::string command_message(const CommandRecord& command, std::int64_t deadline_ms);

}  // namespace edgehub::hub

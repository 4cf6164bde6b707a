// Command ids: "c-" + 16 random hex digits (a valid protocol command id).
#pragma once

#include <string>

namespace edgehub::hub {

std::string random_command_id();

}  // namespace edgehub::hub

#include "commands/command_id.h"

#include <cstdio>
#include <random>

namespace edgehub::hub {

std::string random_command_id() {
  thread_local std::mt19937_64 generator{[] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }()};
  char text[2 + 16 + 1];
  std::snprintf(text, sizeof text, "c-%016llx", static_cast<unsigned long long>(generator()));
  return text;
}

}  // namespace edgehub::hub

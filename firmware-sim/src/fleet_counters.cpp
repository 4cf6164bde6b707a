#include "fleet_counters.h"

#include <nlohmann/json.hpp>

namespace edgehub::sim {

std::string summary_json(std::size_t devices, const FleetCounters& counters) {
  return nlohmann::json{{"devices", devices},
                        {"sent", counters.sent.load()},
                        {"acked", counters.acked.load()},
                        {"commands_answered", counters.commands_answered.load()},
                        {"errors", counters.errors.load()},
                        {"reconnects", counters.reconnects.load()}}
      .dump();
}

}  // namespace edgehub::sim

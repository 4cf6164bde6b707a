#include "fleet_counters.h"

#include <nlohmann/json.hpp>

namespace edgehub::sim {

std::string summary_json(std::size_t devices, const FleetCounters& counters) {
  return nlohmann::ordered_json{
      {"devices", devices},
      {"sent", counters.sent.load()},
      {"acked", counters.acked.load()},
      {"devices_completed", counters.devices_completed.load()},
      {"commands_answered", counters.commands_answered.load()},
      {"errors", counters.errors.load()},
      {"reconnects", counters.reconnects.load()},
      {"commands_received", counters.commands_received.load()},
      {"commands_executed", counters.commands_executed.load()},
      {"commands_failed", counters.commands_failed.load()},
      {"commands_deadline_passed", counters.commands_deadline_passed.load()},
      {"commands_duplicates", counters.commands_duplicates.load()},
      {"offline_periods", counters.offline_periods.load()},
      {"telemetry_buffered_offline", counters.telemetry_buffered_offline.load()},
      {"telemetry_held_back", counters.telemetry_held_back.load()},
      {"twin_desired_applied", counters.twin_desired_applied.load()},
      {"twin_reports", counters.twin_reports.load()},
      {"flow_paused", counters.flow_paused.load()},
      {"flow_resumed", counters.flow_resumed.load()}}
      .dump();
}

}  // namespace edgehub::sim

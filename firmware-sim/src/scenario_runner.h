// Runs a scenario's phases (scenario_file.h) over time against the running
// fleet: the connect ramp's rate (ramp, reconnect_storm), the telemetry
// interval (burst), dropped connections (mass_disconnect); steady just waits.
// When the last phase is over it asks the fleet to stop.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "connect_pacer.h"
#include "fleet_worker.h"
#include "scenario_file.h"

namespace edgehub::sim {

struct ScenarioControls {
  ConnectPacer& pacer;
  std::uint32_t default_connect_rate;  // --connect-rate, for phases without their own
  std::atomic<std::uint32_t>& interval_override_ms;
  FleetWorker::DropOrder& drop_order;
  std::atomic<bool>& stop;  // set after the last phase (also read: a signal ends it early)
};

// Blocks until the phases are over or stop is set; does nothing without phases.
void run_phases(const std::vector<ScenarioPhase>& phases, ScenarioControls controls);

const char* phase_kind_name(PhaseKind kind) noexcept;

}  // namespace edgehub::sim

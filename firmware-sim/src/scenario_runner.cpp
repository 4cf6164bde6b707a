#include "scenario_runner.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "sim_clock.h"

namespace edgehub::sim {

const char* phase_kind_name(PhaseKind kind) noexcept {
  switch (kind) {
    case PhaseKind::ramp:
      return "ramp";
    case PhaseKind::steady:
      return "steady";
    case PhaseKind::burst:
      return "burst";
    case PhaseKind::mass_disconnect:
      return "mass_disconnect";
    case PhaseKind::reconnect_storm:
      return "reconnect_storm";
  }
  return "unknown";
}

void run_phases(const std::vector<ScenarioPhase>& phases, ScenarioControls controls) {
  if (phases.empty()) return;
  for (std::size_t i = 0; i < phases.size() && !controls.stop.load(); ++i) {
    const ScenarioPhase& phase = phases[i];
    const std::uint32_t rate =
        phase.connect_rate != 0 ? phase.connect_rate : controls.default_connect_rate;
    spdlog::info("scenario phase {} of {}: {} for {} ms", i + 1, phases.size(),
                 phase_kind_name(phase.kind), phase.duration_ms);
    controls.interval_override_ms.store(phase.kind == PhaseKind::burst ? phase.interval_ms : 0);
    switch (phase.kind) {
      case PhaseKind::ramp:
      case PhaseKind::reconnect_storm:
        controls.pacer.set_rate(rate);
        break;
      case PhaseKind::mass_disconnect:
        controls.drop_order.per_mille.store(static_cast<std::uint32_t>(phase.share * 1000 + 0.5));
        controls.drop_order.generation.fetch_add(1);
        break;
      case PhaseKind::steady:
      case PhaseKind::burst:
        break;
    }
    const std::uint64_t end_ms = steady_ms() + phase.duration_ms;
    while (!controls.stop.load() && steady_ms() < end_ms) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  controls.interval_override_ms.store(0);
  spdlog::info("scenario over: stopping");
  controls.stop.store(true);
}

}  // namespace edgehub::sim

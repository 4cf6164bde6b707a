// Scenario files (TOML, firmware-sim --scenario FILE): groups of devices with
// their own rate, payload, command behaviour and offline pattern, and phases
// over time. Parsed into plain structs here, without I/O; every mistake is
// reported as "FILE:LINE: what is wrong".
//
//   [[group]]
//   name = "meters"            # required, unique
//   count = 500                # required, >= 1
//   id_prefix = "meter-"       # default "<name>-"
//   interval = "1s"            # telemetry interval, duration (>= 10 ms)
//   payload_bytes = 64
//   command_latency = "100-500"  command_failure_rate = 0.05
//   offline_every = "30s"  offline_for = "5s"  offline_jitter = "1s"
//   offline_mode = "drop"      # or "disconnect"
//
//   [[phase]]
//   kind = "ramp"              # ramp | steady | burst | mass_disconnect | reconnect_storm
//   duration = "30s"           # required
//   connect_rate = 300         # ramp, reconnect_storm: connects per second
//   interval = "100ms"         # burst: telemetry interval during the phase
//   share = 0.5                # mass_disconnect: share of devices dropped (0..1]
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command_behaviour.h"
#include "offline_plan.h"

namespace edgehub::sim {

struct ScenarioGroup {
  std::string name;
  std::uint32_t count = 0;
  std::string id_prefix;
  std::uint32_t interval_ms = 1000;
  std::size_t payload_bytes = 0;
  CommandBehaviour commands;
  OfflinePlan offline;
};

enum class PhaseKind : std::uint8_t { ramp, steady, burst, mass_disconnect, reconnect_storm };

struct ScenarioPhase {
  PhaseKind kind = PhaseKind::steady;
  std::uint64_t duration_ms = 0;
  std::uint32_t connect_rate = 0;  // ramp, reconnect_storm (0 = the command line's)
  std::uint32_t interval_ms = 0;   // burst
  double share = 1.0;              // mass_disconnect
};

struct Scenario {
  std::vector<ScenarioGroup> groups;
  std::vector<ScenarioPhase> phases;
};

// The scenario in text (read from file_name, used in messages), or nothing
// with error set to "file_name:LINE: what is wrong".
std::optional<Scenario> parse_scenario(std::string_view text, const std::string& file_name,
                                       std::string& error);

}  // namespace edgehub::sim

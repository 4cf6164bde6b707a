// Starting firmware-sim against a HubUnderTest.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/hub_under_test.h"
#include "support/process.h"

namespace edgehub::itest {

struct SimulatorOptions {
  std::vector<std::string> ids;  // --ids a,b (when set)
  int devices = 1;               // otherwise --devices N --id-prefix P
  std::string id_prefix = "sim-";
  int interval_ms = 100;
  std::optional<int> count;  // --count M: exit once all are PUBACKed
  std::optional<std::filesystem::path> ack_log;
  bool register_missing = true;              // --register --hub URL --data-dir DIR
  std::string label = "firmware-sim";        // names the log file: logs/<label>.log
  std::vector<std::string> extra_arguments;  // appended as given (e.g. --command-latency-ms 500)
};

// The ids the simulator will use (P0001, P0002, ... or the explicit list).
std::vector<std::string> simulator_device_ids(const SimulatorOptions& options);

Process start_firmware_sim(const HubUnderTest& hub, const SimulatorOptions& options);

// The last JSON object line the simulator printed (its --json summary), or null.
nlohmann::json simulator_summary(const Process& simulator);

}  // namespace edgehub::itest

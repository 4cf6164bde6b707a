#include "support/firmware_sim.h"

#include <cstdio>
#include <sstream>

#include "support/programs.h"

namespace edgehub::itest {

std::vector<std::string> simulator_device_ids(const SimulatorOptions& options) {
  if (!options.ids.empty()) return options.ids;
  std::vector<std::string> ids;
  for (int i = 1; i <= options.devices; ++i) {
    char number[16];
    std::snprintf(number, sizeof(number), "%04d", i);
    ids.push_back(options.id_prefix + number);
  }
  return ids;
}

Process start_firmware_sim(const HubUnderTest& hub, const SimulatorOptions& options) {
  std::vector<std::string> argv = {Programs::firmware_sim().string(),
                                   "--host",
                                   "127.0.0.1",
                                   "--port",
                                   std::to_string(hub.mqtt_port()),
                                   "--ca",
                                   hub.ca_certificate().string(),
                                   "--cert-dir",
                                   hub.devices_dir().string(),
                                   "--interval-ms",
                                   std::to_string(options.interval_ms),
                                   "--json"};
  if (!options.ids.empty()) {
    std::string joined;
    for (const auto& id : options.ids) joined += (joined.empty() ? "" : ",") + id;
    argv.insert(argv.end(), {"--ids", joined});
  } else {
    argv.insert(argv.end(),
                {"--devices", std::to_string(options.devices), "--id-prefix", options.id_prefix});
  }
  if (options.count) argv.insert(argv.end(), {"--count", std::to_string(*options.count)});
  if (options.ack_log) argv.insert(argv.end(), {"--ack-log", options.ack_log->string()});
  if (options.register_missing) {
    argv.insert(argv.end(),
                {"--register", "--hub", hub.url(), "--data-dir", hub.data_dir().string()});
  }
  argv.insert(argv.end(), options.extra_arguments.begin(), options.extra_arguments.end());
  return Process(options.label, argv, hub.logs_dir() / (options.label + ".log"));
}

nlohmann::json simulator_summary(const Process& simulator) {
  std::istringstream lines(simulator.log_tail(200));
  nlohmann::json summary;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.front() != '{') continue;
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    if (!parsed.is_discarded() && parsed.is_object()) summary = std::move(parsed);
  }
  return summary;
}

}  // namespace edgehub::itest

// hubctl's commands, one function each: check the input locally, call the
// API, print, and return the exit code (exit_codes.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hubctl/console.h"
#include "hubctl/exit_codes.h"
#include "hubctl/hub_api.h"

namespace edgehub::hubctl {

struct DevicesAddOptions {
  std::string id;
  std::string directory;                // where <id>.pem, <id>.key, ca.pem go
  std::vector<std::string> attributes;  // key=value
  int mqtt_port = 8883;                 // for the printed example only
  std::string mqtt_host = "127.0.0.1";  // for the printed example only
};

struct SendOptions {
  std::string id;
  std::string command;
  std::optional<std::string> payload;  // JSON text; null when absent
  double timeout_seconds = 10;
};

struct StreamsReadOptions {
  std::string stream;
  std::uint64_t from = 0;
  std::uint32_t limit = 100;
};

ExitCode run_devices_add(HubApi& api, const DevicesAddOptions& options, Console& console);
ExitCode run_devices_list(HubApi& api, Console& console);
ExitCode run_devices_remove(HubApi& api, const std::string& id, Console& console);
ExitCode run_send(HubApi& api, const SendOptions& options, Console& console);
ExitCode run_streams_list(HubApi& api, Console& console);
ExitCode run_streams_read(HubApi& api, const StreamsReadOptions& options, Console& console);

}  // namespace edgehub::hubctl

// hubctl's commands, one function each: check the input locally, call the
// API, print, and return the exit code (exit_codes.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hubctl/console.h"
#include "hubctl/device_listing.h"
#include "hubctl/exit_codes.h"
#include "hubctl/hub_api.h"

namespace edgehub::hubctl {

struct DevicesAddOptions {
  std::string id;
  std::string directory;                   // where <id>.pem, <id>.key, ca.pem go
  std::vector<std::string> attributes;     // key=value
  std::optional<std::string> hub_address;  // --hub-address: written to <directory>/hub.conf
  int mqtt_port = 8883;                    // for the printed example only
  std::string mqtt_host = "127.0.0.1";     // for the printed example only
};

struct SendOptions {
  std::string id;
  std::string command;
  std::optional<std::string> payload;  // JSON text; null when absent
  double timeout_seconds = 10;
  std::optional<std::string> command_id;  // --id: the same id again never runs twice
  bool queue = false;                     // --queue: return at once, deliver when connected
  std::optional<std::string> ttl;         // --ttl 1h: how long a queued command may wait
};

struct StreamsReadOptions {
  std::string stream;
  std::uint64_t from = 0;
  std::uint32_t limit = 100;
};

struct RoutesAddOptions {
  std::string name;
  std::string condition;
  std::optional<std::string> projection;
  std::string stream;
};

struct RoutesTestOptions {
  std::optional<std::string> name;  // a stored route, or:
  std::optional<std::string> condition;
  std::optional<std::string> projection;
  std::string device;
  std::string message;  // the message's data, JSON text
  std::uint64_t seq = 0;
};

ExitCode run_routes_add(HubApi& api, const RoutesAddOptions& options, Console& console);
ExitCode run_routes_list(HubApi& api, Console& console);
ExitCode run_routes_remove(HubApi& api, const std::string& name, Console& console);
ExitCode run_routes_test(HubApi& api, const RoutesTestOptions& options, Console& console);

ExitCode run_devices_add(HubApi& api, const DevicesAddOptions& options, Console& console);
ExitCode run_devices_list(HubApi& api, const DevicesListOptions& options, Console& console);
ExitCode run_devices_remove(HubApi& api, const std::string& id, Console& console);
ExitCode run_send(HubApi& api, const SendOptions& options, Console& console);
ExitCode run_streams_list(HubApi& api, Console& console);
ExitCode run_streams_read(HubApi& api, const StreamsReadOptions& options, Console& console);

}  // namespace edgehub::hubctl

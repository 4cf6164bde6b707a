// `hubctl twin get|set`: a device's desired and reported properties
// (docs/protocol.md section 4.4). cli.cpp registers it.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "hubctl/console.h"
#include "hubctl/exit_codes.h"
#include "hubctl/hub_api.h"

namespace edgehub::hubctl {

ExitCode run_twin_get(HubApi& api, const std::string& device_id, Console& console);
// desired_json: a JSON object (merge patch); version: refuse if stale (409).
ExitCode run_twin_set(HubApi& api, const std::string& device_id, const std::string& desired_json,
                      std::optional<std::uint64_t> version, Console& console);

class TwinCommandLine {
 public:
  explicit TwinCommandLine(CLI::App& app);
  std::optional<ExitCode> run_if_parsed(HubApi& api, Console& console);

 private:
  CLI::App* get_ = nullptr;
  CLI::App* set_ = nullptr;
  CLI::Option* version_option_ = nullptr;
  std::string device_id_;
  std::string desired_;
  std::uint64_t version_ = 0;
};

}  // namespace edgehub::hubctl

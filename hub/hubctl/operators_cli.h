// `hubctl operators add|list|revoke`: who may use the REST API, with which
// role (docs/protocol.md 6.1). Admin only. cli.cpp registers it.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "hubctl/console.h"
#include "hubctl/exit_codes.h"
#include "hubctl/hub_api.h"

namespace edgehub::hubctl {

// Prints the new operator's token (the only time it is shown) on stdout,
// alone on its line, so that a script can take it: TOKEN=$(hubctl operators add ...).
ExitCode run_operators_add(HubApi& api, const std::string& name, const std::string& role,
                           Console& console);
ExitCode run_operators_list(HubApi& api, Console& console);
ExitCode run_operators_revoke(HubApi& api, const std::string& name, Console& console);

class OperatorsCommandLine {
 public:
  explicit OperatorsCommandLine(CLI::App& app);
  std::optional<ExitCode> run_if_parsed(HubApi& api, Console& console);

 private:
  CLI::App* add_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* revoke_ = nullptr;
  std::string name_;
  std::string role_;
};

}  // namespace edgehub::hubctl

// `hubctl exports add|list|show|pause|resume|remove`: a stream's records
// leaving the hub for an upstream MQTT broker, NATS JetStream or Kafka
// (hub/exports/README.md). cli.cpp registers it.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "edgehub/common/result.h"
#include "hubctl/console.h"
#include "hubctl/exit_codes.h"
#include "hubctl/hub_api.h"

namespace edgehub::hubctl {

struct ExportAddArguments {
  std::string name;
  std::string stream;
  std::string type;
  std::vector<std::string> options;  // key=value; "true"/"false" and integers as JSON
  std::string options_json;          // {...}: the base the key=value ones are added to
  std::optional<std::size_t> batch_size;
  std::optional<std::int64_t> linger_ms;
  std::string on_retention;  // keep | delete_oldest; empty: the hub's default
  bool paused = false;
  std::string start;  // earliest | latest | an offset; empty: earliest
};

// The POST /api/v1/exports body; invalid_argument for a bad --option or
// --options-json.
Result<nlohmann::json> export_request(const ExportAddArguments& arguments);

ExitCode run_exports_add(HubApi& api, const ExportAddArguments& arguments, Console& console);
ExitCode run_exports_list(HubApi& api, Console& console);
ExitCode run_exports_show(HubApi& api, const std::string& name, Console& console);
ExitCode run_exports_pause(HubApi& api, const std::string& name, bool paused, Console& console);
ExitCode run_exports_remove(HubApi& api, const std::string& name, Console& console);

class ExportsCommandLine {
 public:
  explicit ExportsCommandLine(CLI::App& app);
  std::optional<ExitCode> run_if_parsed(HubApi& api, Console& console);

 private:
  CLI::App* add_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* pause_ = nullptr;
  CLI::App* resume_ = nullptr;
  CLI::App* remove_ = nullptr;
  CLI::Option* batch_size_ = nullptr;
  CLI::Option* linger_ms_ = nullptr;
  ExportAddArguments add_arguments_;
  std::size_t batch_size_value_ = 0;
  std::int64_t linger_ms_value_ = 0;
  std::string name_;
};

}  // namespace edgehub::hubctl

// `hubctl commands list|show|cancel`, `hubctl jobs start|show` (fleet
// commands) and the queueing options of `hubctl
// send` (--queue, --ttl, --id): their CLI11 registration (cli.cpp adds them)
// and what each runs.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "hubctl/commands.h"
#include "hubctl/console.h"
#include "hubctl/exit_codes.h"
#include "hubctl/hub_api.h"

namespace edgehub::hubctl {

struct CommandsListOptions {
  std::optional<std::string> device;
  std::optional<std::string> state;
  std::optional<std::string> job;
  std::uint32_t limit = 100;
};

struct JobsStartOptions {
  std::optional<std::string> devices;  // id glob, e.g. 'boiler-*'
  std::optional<std::string> tag;      // key=value attribute
  std::string command;
  std::optional<std::string> payload;  // JSON
  std::optional<std::string> id;
  double timeout_seconds = 10;         // per device, once sent
  std::optional<std::string> ttl;      // how long a device may stay offline
  double wait_seconds = 30;            // how long hubctl follows the progress (0: not at all)
};

// Prints progress until nothing is pending (or --wait ends) and a summary.
// Exit: 0 all completed, 1 some failed, 4 some still pending.
ExitCode run_jobs_start(HubApi& api, const JobsStartOptions& options, Console& console);
ExitCode run_jobs_show(HubApi& api, const std::string& id, Console& console);

ExitCode run_commands_list(HubApi& api, const CommandsListOptions& options, Console& console);
ExitCode run_commands_show(HubApi& api, const std::string& id, Console& console);
ExitCode run_commands_cancel(HubApi& api, const std::string& id, Console& console);

// GET /api/v1/commands answer: ID DEVICE NAME STATE CREATED FINISHED STATUS.
std::string format_commands(const nlohmann::json& answer);
// One command record, one "field: value" per line.
std::string format_command(const nlohmann::json& command);

class CommandsCommandLine {
 public:
  // Adds `commands ...` to app and --queue/--ttl/--id to send.
  CommandsCommandLine(CLI::App& app, CLI::App& send, SendOptions& send_options);
  // The exit code if one of the `commands` subcommands was given.
  std::optional<ExitCode> run_if_parsed(HubApi& api, Console& console);
  // Call before running send: copies the options CLI11 kept apart.
  void complete_send_options(SendOptions& send_options) const;

 private:
  CLI::App* list_ = nullptr;
  CLI::App* show_ = nullptr;
  CLI::App* cancel_ = nullptr;
  CLI::App* jobs_start_ = nullptr;
  CLI::App* jobs_show_ = nullptr;
  JobsStartOptions jobs_options_;
  std::string job_devices_, job_tag_, job_payload_, job_id_, job_ttl_;
  CLI::Option* job_devices_option_ = nullptr;
  CLI::Option* job_tag_option_ = nullptr;
  CLI::Option* job_payload_option_ = nullptr;
  CLI::Option* job_id_option_ = nullptr;
  CLI::Option* job_ttl_option_ = nullptr;
  CLI::Option* send_id_ = nullptr;
  CLI::Option* send_ttl_ = nullptr;
  CLI::Option* device_ = nullptr;
  CLI::Option* state_ = nullptr;
  CLI::Option* job_ = nullptr;
  std::string send_id_text_;
  std::string send_ttl_text_;
  CommandsListOptions list_options_;
  std::string device_text_;
  std::string state_text_;
  std::string job_text_;
  std::string command_id_;
};

}  // namespace edgehub::hubctl

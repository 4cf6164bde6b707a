#include "hubctl/commands_cli.h"

#include <chrono>
#include <thread>

#include "hubctl/command_arguments.h"
#include "hubctl/command_failure.h"
#include "hubctl/hub_api.h"
#include "hubctl/output_format.h"
#include "hubctl/streams_cli.h"

namespace edgehub::hubctl {
namespace {

std::string text_of(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return "-";
  const auto found = object.find(name);
  if (found == object.end() || found->is_null()) return "-";
  if (found->is_string()) return found->get<std::string>();
  return found->dump();
}

std::string time_of(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return "-";
  const auto found = object.find(name);
  if (found == object.end() || !found->is_number_integer()) return "-";
  return iso8601_utc(found->get<std::int64_t>());
}

std::string status_of(const nlohmann::json& command) {
  const auto response = command.find("response");
  if (response == command.end() || !response->is_object()) return "-";
  std::string text = text_of(*response, "status");
  if (response->value("late", false)) text += " (late)";
  return text;
}

std::string query_string(const CommandsListOptions& options) {
  std::string query = "limit=" + std::to_string(options.limit);
  if (options.device) query += "&device=" + encode_path_segment(*options.device);
  if (options.state) query += "&state=" + encode_path_segment(*options.state);
  if (options.job) query += "&job=" + encode_path_segment(*options.job);
  return query;
}

}  // namespace

std::string format_commands(const nlohmann::json& answer) {
  const auto commands = answer.find("commands");
  if (commands == answer.end() || !commands->is_array() || commands->empty()) {
    return "no commands\n";
  }
  std::vector<std::vector<std::string>> rows{
      {"ID", "DEVICE", "NAME", "STATE", "CREATED", "FINISHED", "STATUS"}};
  for (const nlohmann::json& command : *commands) {
    rows.push_back({text_of(command, "id"), text_of(command, "device"), text_of(command, "name"),
                    text_of(command, "state"), time_of(command, "created_at_ms"),
                    time_of(command, "finished_at_ms"), status_of(command)});
  }
  return format_table(rows);
}

std::string format_command(const nlohmann::json& command) {
  std::string text;
  const auto line = [&](const char* label, const std::string& value) {
    text += std::string(label) + std::string(10 - std::string(label).size(), ' ') + value + "\n";
  };
  line("id", text_of(command, "id"));
  line("device", text_of(command, "device"));
  line("name", text_of(command, "name"));
  line("payload", text_of(command, "payload"));
  line("state", text_of(command, "state"));
  line("created", time_of(command, "created_at_ms"));
  line("expires", time_of(command, "expires_at_ms"));
  line("sent", time_of(command, "sent_at_ms"));
  line("deadline", time_of(command, "deadline_ms"));
  line("finished", time_of(command, "finished_at_ms"));
  const auto response = command.find("response");
  if (response != command.end() && response->is_object()) {
    line("status", status_of(command));
    line("answered", time_of(*response, "at_ms"));
    line("response", text_of(*response, "payload"));
  }
  if (command.contains("job") && !command["job"].is_null()) line("job", text_of(command, "job"));
  return text;
}

namespace {

std::string job_line(const nlohmann::json& job) {
  return "job " + text_of(job, "id") + ": " + text_of(job, "completed") + "/" +
         text_of(job, "total") + " completed, " + text_of(job, "failed") + " failed, " +
         text_of(job, "pending") + " pending";
}

ExitCode job_exit_code(const nlohmann::json& job) {
  if (job.value("pending", 0) > 0) return ExitCode::timeout;
  return job.value("failed", 0) > 0 ? ExitCode::device_error : ExitCode::ok;
}

}  // namespace

ExitCode run_jobs_start(HubApi& api, const JobsStartOptions& options, Console& console) {
  if (options.devices.has_value() == options.tag.has_value()) {
    return report_usage_error(console, make_error(ErrorCode::invalid_argument,
                                                  "give exactly one of --devices and --tag"));
  }
  if (auto valid = check_command_name(options.command); !valid) {
    return report_usage_error(console, valid.error());
  }
  Result<nlohmann::json> payload =
      options.payload ? parse_payload(*options.payload) : Result<nlohmann::json>(nullptr);
  if (!payload) return report_usage_error(console, payload.error());
  const auto timeout = command_timeout_from_seconds(options.timeout_seconds);
  if (!timeout) return report_usage_error(console, timeout.error());
  nlohmann::json body = {{"name", options.command},
                         {"payload", *payload},
                         {"timeout_ms", timeout->count()},
                         {"selector", options.devices ? nlohmann::json{{"id_pattern", *options.devices}}
                                                      : nlohmann::json{{"tag", *options.tag}}}};
  if (options.id) body["id"] = *options.id;
  if (options.ttl) {
    auto ttl = parse_duration_ms(*options.ttl);
    if (!ttl) return report_usage_error(console, ttl.error());
    body["ttl_ms"] = *ttl;
  }
  const ApiResult created = api.create_job(body);
  if (!created.ok()) return report_api_failure(console, created.failure());
  nlohmann::json job = created.body();
  for (const auto& refused : job.value("refused", nlohmann::json::array())) {
    console.err << "hubctl: not queued for " << refused.get<std::string>() << "\n";
  }
  const std::string id = text_of(job, "id");
  if (!console.json) console.out << job_line(job) << "\n";
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<long long>(options.wait_seconds * 1000));
  std::string last = job_line(job);
  while (job.value("pending", 0) > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const ApiResult polled = api.get_job(id);
    if (!polled.ok()) return report_api_failure(console, polled.failure());
    job = polled.body();
    if (!console.json && job_line(job) != last) {
      last = job_line(job);
      console.out << last << "\n";
    }
  }
  if (console.json) {
    console.out << job.dump(2) << "\n";
  } else {
    console.out << (job.value("pending", 0) > 0 ? "still running: " : "done: ") << job_line(job)
                << " (states: " << job.value("states", nlohmann::json::object()).dump()
                << "; hubctl commands list --job " << id << ")\n";
  }
  return job_exit_code(job);
}

ExitCode run_jobs_show(HubApi& api, const std::string& id, Console& console) {
  const ApiResult shown = api.get_job(id);
  if (!shown.ok()) return report_api_failure(console, shown.failure());
  console.out << (console.json ? shown.body().dump(2) : job_line(shown.body()) + " (states: " +
                                                            shown.body().value("states", nlohmann::json::object()).dump() + ")")
              << "\n";
  return ExitCode::ok;
}

ExitCode run_commands_list(HubApi& api, const CommandsListOptions& options, Console& console) {
  if (options.limit < 1 || options.limit > 10000) {
    return report_usage_error(
        console, make_error(ErrorCode::invalid_argument, "--limit must be from 1 to 10000"));
  }
  const ApiResult listed = api.list_commands(query_string(options));
  if (!listed.ok()) return report_api_failure(console, listed.failure());
  console.out << (console.json ? listed.body().dump(2) + "\n" : format_commands(listed.body()));
  return ExitCode::ok;
}

ExitCode run_commands_show(HubApi& api, const std::string& id, Console& console) {
  if (auto valid = check_command_id(id); !valid) return report_usage_error(console, valid.error());
  const ApiResult shown = api.get_command(id);
  if (!shown.ok()) return report_api_failure(console, shown.failure());
  console.out << (console.json ? shown.body().dump(2) + "\n" : format_command(shown.body()));
  return ExitCode::ok;
}

ExitCode run_commands_cancel(HubApi& api, const std::string& id, Console& console) {
  if (auto valid = check_command_id(id); !valid) return report_usage_error(console, valid.error());
  const ApiResult cancelled = api.cancel_command(id);
  if (!cancelled.ok()) return report_api_failure(console, cancelled.failure());
  if (console.json) {
    console.out << cancelled.body().dump(2) << "\n";
  } else {
    console.out << "cancelled command " << id << "\n";
  }
  return ExitCode::ok;
}

CommandsCommandLine::CommandsCommandLine(CLI::App& app, CLI::App& send,
                                         SendOptions& send_options) {
  send.add_flag("--queue", send_options.queue,
                "queue the command and return at once: it is sent when the device is connected"
                " (hubctl commands show ID follows it)");
  send_ttl_ = send.add_option("--ttl", send_ttl_text_,
                              "with --queue: expire the command if not sent within this time"
                              " (90s, 15m, 1h, 7d; default 1h)");
  send_id_ = send.add_option("--id", send_id_text_,
                             "command id: sending the same id again returns that command's"
                             " outcome and never runs it twice");

  CLI::App* commands = app.add_subcommand("commands", "list, show and cancel commands");
  commands->require_subcommand(1);
  list_ = commands->add_subcommand("list", "list commands, newest first");
  device_ = list_->add_option("--device", device_text_, "only this device's");
  state_ = list_->add_option("--state", state_text_,
                             "only in this state: queued, sent, completed, rejected, failed,"
                             " expired, timed-out, cancelled");
  job_ = list_->add_option("--job", job_text_, "only this fleet job's");
  list_->add_option("--limit", list_options_.limit, "commands at most, 1-10000 (default 100)");
  show_ = commands->add_subcommand("show", "show a command's life and answer");
  show_->add_option("id", command_id_, "command id")->required();
  cancel_ = commands->add_subcommand("cancel", "cancel a queued command");
  cancel_->add_option("id", command_id_, "command id")->required();

  CLI::App* jobs = app.add_subcommand("jobs", "fleet commands: one command to many devices");
  jobs->require_subcommand(1);
  jobs_start_ = jobs->add_subcommand(
      "start", "queue a command for every device selected, follow its progress, summarise");
  job_devices_option_ =
      jobs_start_->add_option("--devices", job_devices_, "device id pattern, e.g. 'boiler-*'");
  job_tag_option_ = jobs_start_->add_option("--tag", job_tag_, "device attribute key=value");
  jobs_start_->add_option("command", jobs_options_.command, "command name")->required();
  job_payload_option_ = jobs_start_->add_option("--payload", job_payload_, "payload as JSON");
  job_id_option_ = jobs_start_->add_option("--id", job_id_, "job id (the same id: that job)");
  jobs_start_->add_option("--timeout", jobs_options_.timeout_seconds,
                          "seconds each device has to answer once sent (default 10)");
  job_ttl_option_ = jobs_start_->add_option(
      "--ttl", job_ttl_, "how long an offline device may take to connect (default 1h)");
  jobs_start_->add_option("--wait", jobs_options_.wait_seconds,
                          "seconds to follow the progress (default 30)");
  jobs_show_ = jobs->add_subcommand("show", "a job's progress");
  jobs_show_->add_option("id", command_id_, "job id")->required();
}

void CommandsCommandLine::complete_send_options(SendOptions& send_options) const {
  if (send_id_->count() > 0) send_options.command_id = send_id_text_;
  if (send_ttl_->count() > 0) send_options.ttl = send_ttl_text_;
}

std::optional<ExitCode> CommandsCommandLine::run_if_parsed(HubApi& api, Console& console) {
  if (list_->parsed()) {
    if (device_->count() > 0) list_options_.device = device_text_;
    if (state_->count() > 0) list_options_.state = state_text_;
    if (job_->count() > 0) list_options_.job = job_text_;
    return run_commands_list(api, list_options_, console);
  }
  if (show_->parsed()) return run_commands_show(api, command_id_, console);
  if (cancel_->parsed()) return run_commands_cancel(api, command_id_, console);
  if (jobs_start_->parsed()) {
    if (job_devices_option_->count() > 0) jobs_options_.devices = job_devices_;
    if (job_tag_option_->count() > 0) jobs_options_.tag = job_tag_;
    if (job_payload_option_->count() > 0) jobs_options_.payload = job_payload_;
    if (job_id_option_->count() > 0) jobs_options_.id = job_id_;
    if (job_ttl_option_->count() > 0) jobs_options_.ttl = job_ttl_;
    return run_jobs_start(api, jobs_options_, console);
  }
  if (jobs_show_->parsed()) return run_jobs_show(api, command_id_, console);
  return std::nullopt;
}

}  // namespace edgehub::hubctl

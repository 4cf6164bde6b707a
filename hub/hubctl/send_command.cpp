// hubctl send <id> <command>
#include <cmath>
#include <string>

#include "hubctl/command_arguments.h"
#include "hubctl/command_failure.h"
#include "hubctl/commands.h"
#include "hubctl/output_format.h"
#include "hubctl/streams_cli.h"

namespace edgehub::hubctl {
namespace {

// --queue: the hub answers at once with the command record (202).
ExitCode run_send_queued(HubApi& api, const std::string& device_id, const nlohmann::json& body,
                         Console& console) {
  const ApiResult queued = api.submit_command(device_id, body, std::chrono::milliseconds(0));
  if (!queued.ok()) return report_api_failure(console, queued.failure());
  const nlohmann::json command = queued.body().value("command", nlohmann::json::object());
  if (console.json) {
    console.out << queued.body().dump(2) << "\n";
  } else {
    console.out << "command " << command.value("id", "-") << " (" << command.value("name", "-")
                << ") for " << device_id << ": " << command.value("state", "-") << "\n";
  }
  return ExitCode::ok;
}

}  // namespace


ExitCode run_send(HubApi& api, const SendOptions& options, Console& console) {
  if (auto valid = check_device_id(options.id); !valid) {
    return report_usage_error(console, valid.error());
  }
  if (auto valid = check_command_name(options.command); !valid) {
    return report_usage_error(console, valid.error());
  }
  Result<nlohmann::json> payload =
      options.payload ? parse_payload(*options.payload) : Result<nlohmann::json>(nullptr);
  if (!payload) return report_usage_error(console, payload.error());
  const auto timeout = command_timeout_from_seconds(options.timeout_seconds);
  if (!timeout) return report_usage_error(console, timeout.error());

  nlohmann::json body = {
      {"name", options.command}, {"payload", payload.value()}, {"timeout_ms", timeout->count()}};
  if (options.command_id) {
    if (auto valid = check_command_id(*options.command_id); !valid) {
      return report_usage_error(console, valid.error());
    }
    body["id"] = *options.command_id;
  }
  if (options.ttl && !options.queue) {
    return report_usage_error(console,
                              make_error(ErrorCode::invalid_argument, "--ttl needs --queue"));
  }
  if (options.queue) {
    body["queue"] = true;
    if (options.ttl) {
      auto ttl = parse_duration_ms(*options.ttl);
      if (!ttl) return report_usage_error(console, ttl.error());
      if (*ttl <= 0) {
        return report_usage_error(
            console, make_error(ErrorCode::invalid_argument, "--ttl must be positive"));
      }
      body["ttl_ms"] = *ttl;
    }
    return run_send_queued(api, options.id, body, console);
  }
  const ApiResult answered = api.submit_command(options.id, body, timeout.value());
  if (!answered.ok()) {
    const ApiFailure& failure = answered.failure();
    if (failure.kind == ApiFailure::Kind::http_error && failure.http_status == 404) {
      console.err << "hubctl: device '" << options.id << "' is not registered\n";
      return ExitCode::not_found;
    }
    if (failure.kind == ApiFailure::Kind::http_error && failure.http_status == 504) {
      console.err << "hubctl: "
                  << (failure.message.empty()
                          ? "device '" + options.id + "' did not answer within " +
                                std::to_string(std::llround(options.timeout_seconds * 1000)) + " ms"
                          : failure.message)
                  << "\n";
      return ExitCode::timeout;
    }
    return report_api_failure(console, failure);
  }

  const nlohmann::json& answer = answered.body();
  const auto status = answer.find("status");
  if (status == answer.end() || !status->is_number_integer()) {
    console.err << "hubctl: unexpected answer from the hub at " << console.hub_url
                << ": no integer status in " << answer.dump() << "\n";
    return ExitCode::hub_error;
  }
  console.out << (console.json ? answer.dump(2) + "\n" : format_command_answer(answer));
  return exit_code_for_device_status(status->get<int>());
}

}  // namespace edgehub::hubctl

// hubctl send <id> <command>
#include <cmath>
#include <string>

#include "hubctl/command_arguments.h"
#include "hubctl/command_failure.h"
#include "hubctl/commands.h"
#include "hubctl/output_format.h"

namespace edgehub::hubctl {

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

  const ApiResult answered =
      api.send_command(options.id, options.command, payload.value(), timeout.value());
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

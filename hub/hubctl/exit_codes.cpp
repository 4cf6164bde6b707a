#include "hubctl/exit_codes.h"

namespace edgehub::hubctl {

ExitCode exit_code_for(const ApiFailure& failure) noexcept {
  if (failure.kind != ApiFailure::Kind::http_error) return ExitCode::hub_error;
  switch (failure.http_status) {
    case 400:
      return ExitCode::usage;
    case 404:
      return ExitCode::not_found;
    case 504:
      return ExitCode::timeout;
    default:
      return ExitCode::hub_error;
  }
}

ExitCode exit_code_for_device_status(int status) noexcept {
  return status >= 200 && status <= 299 ? ExitCode::ok : ExitCode::device_error;
}

std::string exit_codes_help() {
  return "Exit codes:\n"
         "  0  success (send: the device answered with a 2xx status)\n"
         "  1  send: the device answered with a non-2xx status\n"
         "  2  usage error or invalid input (e.g. --payload is not JSON; checked before\n"
         "     sending), no readable API token, or the hub refused the request as\n"
         "     invalid (400)\n"
         "  3  unknown device or stream (404)\n"
         "  4  the device did not answer in time (504)\n"
         "  5  hub unreachable, API token refused, or another API error\n";
}

}  // namespace edgehub::hubctl

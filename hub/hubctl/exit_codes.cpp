#include "hubctl/exit_codes.h"

namespace edgehub::hubctl {

ExitCode exit_code_for(const ApiFailure& failure) noexcept {
  if (failure.kind != ApiFailure::Kind::http_error) return ExitCode::hub_error;
  switch (failure.http_status) {
    case 400:
      return ExitCode::usage;
    case 401:
    case 403:
      return ExitCode::unauthorized;
    case 404:
      return ExitCode::not_found;
    case 409:
      return ExitCode::conflict;
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
         "  0  success (send: the device answered with a 2xx status; jobs start: all\n"
         "     completed)\n"
         "  1  send: the device answered with a non-2xx status; jobs start: some failed\n"
         "  2  usage error or invalid input (e.g. --payload is not JSON; checked before\n"
         "     sending), no readable API token, or the hub refused the request as\n"
         "     invalid (400)\n"
         "  3  unknown device, stream, command or job (404)\n"
         "  4  send: the device did not answer in time, or was not connected and\n"
         "     subscribed in time (504); jobs start: some still pending after --wait\n"
         "  5  hub unreachable, or another API error (413, 500, 503, ...)\n"
         "  6  conflict with the hub's state (409): twin set with a stale --version;\n"
         "     send to a disabled device, or with an --id used for another command, or\n"
         "     whose command was cancelled; commands cancel of a command no longer\n"
         "     queued; devices add, streams create or routes add of a name that exists\n"
         "  7  the hub refused the API token (401), or the token's role is too low for\n"
         "     the request (403; the message names the role needed): check --token,\n"
         "     --data-dir or HUBCTL_TOKEN\n";
}

}  // namespace edgehub::hubctl

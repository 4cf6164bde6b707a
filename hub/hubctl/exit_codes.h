// hubctl's exit codes: one table, used by every command and printed in
// `hubctl --help`.
#pragma once

#include <string>

#include "hubctl/api_result.h"

namespace edgehub::hubctl {

enum class ExitCode : int {
  ok = 0,            // done; for `send`: the device answered with a 2xx status
  device_error = 1,  // `send`: the device answered with a non-2xx status
  usage = 2,         // bad command line, input or token (checked locally), or 400 from the hub
  not_found = 3,     // the device (or stream) is not registered (404)
  timeout = 4,       // the device did not answer in time (504)
  hub_error = 5,     // hub unreachable, or any other API error (413, 500, 503, ...)
  // 409: the request conflicts with the hub's state (a stale twin version,
  // a command id used for another command, a disabled device, an existing
  // device or stream): retrying it unchanged cannot help, unlike 5.
  conflict = 6,
  // 401/403: the API token was refused; a script fixes its credentials,
  // it does not wait for the hub to come back (unlike 5).
  unauthorized = 7,
};

inline int to_int(ExitCode code) noexcept { return static_cast<int>(code); }

ExitCode exit_code_for(const ApiFailure& failure) noexcept;
// The status a device put in its command response.
ExitCode exit_code_for_device_status(int status) noexcept;

// The "Exit codes:" block of `hubctl --help`.
std::string exit_codes_help();

}  // namespace edgehub::hubctl

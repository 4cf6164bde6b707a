// How every command reports what went wrong: one line on stderr, one exit code.
#pragma once

#include <string_view>

#include "edgehub/common/result.h"
#include "hubctl/api_result.h"
#include "hubctl/console.h"
#include "hubctl/exit_codes.h"

namespace edgehub::hubctl {

// "hubctl: <message>" and ExitCode::usage, for input refused locally.
ExitCode report_usage_error(Console& console, const Error& error);

// "hubctl: <the API's message or why the hub could not be reached>" and the
// exit code of exit_code_for.
ExitCode report_api_failure(Console& console, const ApiFailure& failure);

}  // namespace edgehub::hubctl

#include "hubctl/command_failure.h"

namespace edgehub::hubctl {

ExitCode report_usage_error(Console& console, const Error& error) {
  console.err << "hubctl: " << error.message << "\n";
  return ExitCode::usage;
}

ExitCode report_api_failure(Console& console, const ApiFailure& failure) {
  console.err << "hubctl: " << describe_failure(failure, console.hub_url) << "\n";
  return exit_code_for(failure);
}

}  // namespace edgehub::hubctl

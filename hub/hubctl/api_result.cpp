#include "hubctl/api_result.h"

namespace edgehub::hubctl {

std::string describe_failure(const ApiFailure& failure, std::string_view hub_url) {
  switch (failure.kind) {
    case ApiFailure::Kind::unreachable:
      return "cannot reach the hub at " + std::string(hub_url) + ": " + failure.message +
             " (is hubd running? set --hub or HUBCTL_URL)";
    case ApiFailure::Kind::bad_answer:
      return "unexpected answer from the hub at " + std::string(hub_url) + ": " + failure.message;
    case ApiFailure::Kind::http_error:
      break;
  }
  std::string line = failure.message.empty()
                         ? "the hub answered HTTP " + std::to_string(failure.http_status)
                         : failure.message;
  if (failure.http_status == 401) {
    line += " (check --token, --data-dir or HUBCTL_TOKEN)";
  }
  return line;
}

}  // namespace edgehub::hubctl

#include "hubctl/command_arguments.h"

#include <cmath>

#include "edgehub/protocol/json_limits.h"
#include "edgehub/protocol/payloads.h"
#include "edgehub/protocol/topics.h"

namespace edgehub::hubctl {

Result<nlohmann::json> parse_attributes(const std::vector<std::string>& arguments) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const std::string& argument : arguments) {
    const std::size_t equals = argument.find('=');
    if (equals == std::string::npos || equals == 0) {
      return make_error(ErrorCode::invalid_argument,
                        "--attr expects key=value, got '" + argument + "'");
    }
    const std::string key = argument.substr(0, equals);
    if (attributes.contains(key)) {
      return make_error(ErrorCode::invalid_argument, "--attr " + key + " is given twice");
    }
    attributes[key] = argument.substr(equals + 1);
  }
  return attributes;
}

Result<nlohmann::json> parse_payload(std::string_view text) {
  // The hub applies its own (lower) limit and says so; this one only keeps
  // hubctl's recursive dump of the value off the end of its stack.
  if (Status shallow = protocol::check_json_depth(text, protocol::kReadBackMaxJsonDepth);
      !shallow) {
    return make_error(ErrorCode::invalid_argument, "--payload: " + shallow.error().message);
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {  // parse_error, out_of_range (1e999999)
    return make_error(ErrorCode::invalid_argument,
                      "--payload is not valid JSON: " + std::string(error.what()));
  }
}

Result<std::chrono::milliseconds> command_timeout_from_seconds(double seconds) {
  const double milliseconds = std::round(seconds * 1000.0);
  if (!(seconds > 0) || milliseconds > static_cast<double>(kMaxCommandTimeout.count())) {
    return make_error(ErrorCode::invalid_argument,
                      "--timeout must be more than 0 and at most 300 seconds");
  }
  return std::chrono::milliseconds(std::max<long long>(1, static_cast<long long>(milliseconds)));
}

Status check_device_id(std::string_view id) {
  if (protocol::is_valid_device_id(id)) return ok_status();
  return make_error(ErrorCode::invalid_argument,
                    "'" + std::string(id) +
                        "' is not a valid device id (1-64 characters of [A-Za-z0-9._-], not "
                        "starting with '.' or '-')");
}

Status check_command_name(std::string_view name) {
  if (protocol::is_valid_command_name(name)) return ok_status();
  return make_error(ErrorCode::invalid_argument,
                    "'" + std::string(name) +
                        "' is not a valid command name (1-64 characters of [A-Za-z0-9._-])");
}

Status check_command_id(std::string_view id) {
  if (protocol::is_valid_command_id(id)) return ok_status();
  return make_error(
      ErrorCode::invalid_argument,
      "'" + std::string(id) + "' is not a valid command id (1-64 characters of [A-Za-z0-9._-])");
}

}  // namespace edgehub::hubctl

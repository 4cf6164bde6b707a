// Checks of what the operator typed, done before anything is sent, so a
// typo is a usage error (exit 2) with a precise message, not a hub error.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"

namespace edgehub::hubctl {

// Longest command timeout the API accepts (docs/protocol.md section 6).
inline constexpr std::chrono::milliseconds kMaxCommandTimeout{300000};

// "key=value" arguments (--attr) as a JSON object of strings; the key must be
// non-empty and given once.
Result<nlohmann::json> parse_attributes(const std::vector<std::string>& arguments);

// --payload: any JSON value; the reason names the parser's complaint.
Result<nlohmann::json> parse_payload(std::string_view text);

// --timeout S for a command: 0 < S <= 300, as milliseconds (at least 1).
Result<std::chrono::milliseconds> command_timeout_from_seconds(double seconds);

// invalid_argument "'x' is not a valid device id (1-64 of [A-Za-z0-9._-], ...)".
Status check_device_id(std::string_view id);
Status check_command_name(std::string_view name);
Status check_command_id(std::string_view id);

}  // namespace edgehub::hubctl

// Reading a destination's options object (the JSON an operator gives with
// `hubctl exports add`): the checks every engine makes the same way, with
// errors that name the option and what was expected.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"

namespace edgehub::hub {

// An object whose keys are all in `known`; `engine` names it in errors
// ("nats options: unknown option \"urls\" (known: url, subject, ...)").
Status check_destination_options(const nlohmann::json& options, std::string_view engine,
                                 std::initializer_list<std::string_view> known);

// The option's string, std::nullopt when absent; an error when present but
// not a non-empty string.
Result<std::optional<std::string>> optional_string_option(const nlohmann::json& options,
                                                          std::string_view engine,
                                                          std::string_view name);

// A string or an array of strings ("a,b" is split at commas), at least one.
Result<std::vector<std::string>> string_list_option(const nlohmann::json& options,
                                                    std::string_view engine, std::string_view name);

// A whole number in [minimum, maximum], `fallback` when absent.
Result<std::int64_t> integer_option(const nlohmann::json& options, std::string_view engine,
                                    std::string_view name, std::int64_t minimum,
                                    std::int64_t maximum, std::int64_t fallback);

}  // namespace edgehub::hub

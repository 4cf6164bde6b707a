#include "exports/destination_options_json.h"

namespace edgehub::hub {
namespace {

Error option_error(std::string_view engine, std::string_view message) {
  return make_error(ErrorCode::invalid_argument,
                    std::string(engine) + " options: " + std::string(message));
}

}  // namespace

Status check_destination_options(const nlohmann::json& options, std::string_view engine,
                                 std::initializer_list<std::string_view> known) {
  if (!options.is_object()) return option_error(engine, "expected a JSON object");
  for (const auto& [key, value] : options.items()) {
    bool is_known = false;
    for (const std::string_view name : known) is_known = is_known || key == name;
    if (is_known) continue;
    std::string list;
    for (const std::string_view name : known) {
      if (!list.empty()) list += ", ";
      list += name;
    }
    return option_error(engine, "unknown option \"" + key + "\" (known: " + list + ")");
  }
  return ok_status();
}

Result<std::optional<std::string>> optional_string_option(const nlohmann::json& options,
                                                          std::string_view engine,
                                                          std::string_view name) {
  const auto found = options.find(name);
  if (found == options.end()) return std::optional<std::string>{};
  if (!found->is_string() || found->get_ref<const std::string&>().empty()) {
    return option_error(engine, "\"" + std::string(name) + "\" must be a non-empty string");
  }
  return std::optional<std::string>{found->get<std::string>()};
}

Result<std::vector<std::string>> string_list_option(const nlohmann::json& options,
                                                    std::string_view engine,
                                                    std::string_view name) {
  const auto found = options.find(name);
  if (found == options.end()) {
    return option_error(engine, "\"" + std::string(name) + "\" is required");
  }
  const Error wrong_type =
      option_error(engine, "\"" + std::string(name) + "\" must be a string or an array of strings");
  std::vector<std::string> values;
  const auto add_split = [&](const std::string& text) {
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t comma = std::min(text.find(',', start), text.size());
      std::string part = text.substr(start, comma - start);
      const auto first = part.find_first_not_of(" \t");
      const auto last = part.find_last_not_of(" \t");
      if (first != std::string::npos) values.push_back(part.substr(first, last - first + 1));
      start = comma + 1;
    }
  };
  if (found->is_string()) {
    add_split(found->get<std::string>());
  } else if (found->is_array()) {
    for (const auto& element : *found) {
      if (!element.is_string()) return wrong_type;
      add_split(element.get<std::string>());
    }
  } else {
    return wrong_type;
  }
  if (values.empty()) {
    return option_error(engine, "\"" + std::string(name) + "\" names no server");
  }
  return values;
}

Result<std::int64_t> integer_option(const nlohmann::json& options, std::string_view engine,
                                    std::string_view name, std::int64_t minimum,
                                    std::int64_t maximum, std::int64_t fallback) {
  const auto found = options.find(name);
  if (found == options.end()) return fallback;
  if (!found->is_number_integer() || found->get<std::int64_t>() < minimum ||
      found->get<std::int64_t>() > maximum) {
    return option_error(engine, "\"" + std::string(name) + "\" must be a whole number from " +
                                    std::to_string(minimum) + " to " + std::to_string(maximum));
  }
  return found->get<std::int64_t>();
}

}  // namespace edgehub::hub

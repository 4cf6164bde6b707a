// hubctl routes add | list | remove | test
#include <sstream>

#include "edgehub/protocol/json_limits.h"
#include "hubctl/command_failure.h"
#include "hubctl/commands.h"
#include "hubctl/output_format.h"

namespace edgehub::hubctl {
namespace {

std::string text_of(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string field(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return "-";
  const auto found = object.find(name);
  return found == object.end() ? "-" : text_of(*found);
}

std::string format_routes(const nlohmann::json& answer) {
  std::vector<std::vector<std::string>> rows{
      {"ROUTE", "STREAM", "MATCHED", "ERRORS", "CONDITION", "PROJECTION"}};
  const auto routes = answer.find("routes");
  if (routes != answer.end() && routes->is_array()) {
    for (const nlohmann::json& route : *routes) {
      rows.push_back({field(route, "name"), field(route, "stream"), field(route, "matched"),
                      field(route, "errors"), field(route, "condition"),
                      field(route, "projection")});
    }
  }
  return format_table(rows);
}

ExitCode check_json(Console& console, const std::string& text, const char* what,
                    nlohmann::json& parsed) {
  if (Status shallow = protocol::check_json_depth(text, protocol::kReadBackMaxJsonDepth);
      !shallow) {
    return report_usage_error(console,
                              make_error(ErrorCode::invalid_argument,
                                         std::string(what) + ": " + shallow.error().message));
  }
  parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return report_usage_error(
        console,
        make_error(ErrorCode::invalid_argument, std::string(what) + " is not valid JSON: " + text));
  }
  return ExitCode::ok;
}

}  // namespace

ExitCode run_routes_add(HubApi& api, const RoutesAddOptions& options, Console& console) {
  nlohmann::json body = {
      {"name", options.name}, {"condition", options.condition}, {"stream", options.stream}};
  if (options.projection) body["projection"] = *options.projection;
  const ApiResult added = api.add_route(body);
  if (!added.ok()) return report_api_failure(console, added.failure());
  if (console.json) {
    console.out << added.body().dump(2) << "\n";
  } else {
    console.out << "added route '" << options.name << "': messages where " << options.condition
                << " go to stream '" << options.stream << "'\n";
  }
  return ExitCode::ok;
}

ExitCode run_routes_list(HubApi& api, Console& console) {
  const ApiResult listed = api.list_routes();
  if (!listed.ok()) return report_api_failure(console, listed.failure());
  console.out << (console.json ? listed.body().dump(2) + "\n" : format_routes(listed.body()));
  return ExitCode::ok;
}

ExitCode run_routes_remove(HubApi& api, const std::string& name, Console& console) {
  const ApiResult removed = api.remove_route(name);
  if (!removed.ok()) return report_api_failure(console, removed.failure());
  if (!console.json) console.out << "removed route '" << name << "'\n";
  return ExitCode::ok;
}

ExitCode run_routes_test(HubApi& api, const RoutesTestOptions& options, Console& console) {
  if (options.name.has_value() == options.condition.has_value()) {
    return report_usage_error(console, make_error(ErrorCode::invalid_argument,
                                                  "give a route name or --condition (not both)"));
  }
  nlohmann::json data;
  if (ExitCode parsed = check_json(console, options.message, "--message", data);
      parsed != ExitCode::ok) {
    return parsed;
  }
  nlohmann::json body = {{"device", options.device}, {"seq", options.seq}, {"data", data}};
  if (options.name) body["name"] = *options.name;
  if (options.condition) body["condition"] = *options.condition;
  if (options.projection) body["projection"] = *options.projection;
  const ApiResult tested = api.test_route(body);
  if (!tested.ok()) return report_api_failure(console, tested.failure());
  const nlohmann::json& answer = tested.body();
  if (console.json) {
    console.out << answer.dump(2) << "\n";
    return ExitCode::ok;
  }
  const bool matched = answer.value("matched", false);
  console.out << "matched: " << (matched ? "yes" : "no") << "\n";
  if (const auto error = answer.find("error"); error != answer.end() && error->is_string()) {
    console.out << "error: " << error->get<std::string>() << "\n";
  }
  if (matched) {
    console.out << "stream: " << field(answer, "stream") << "\n";
    console.out << "output: " << field(answer, "output") << "\n";
  }
  return ExitCode::ok;
}

}  // namespace edgehub::hubctl

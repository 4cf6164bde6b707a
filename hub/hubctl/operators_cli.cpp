#include "hubctl/operators_cli.h"

#include "hubctl/command_failure.h"
#include "hubctl/output_format.h"

namespace edgehub::hubctl {
namespace {

std::string text(const nlohmann::json& object, const char* name) {
  const auto found = object.find(name);
  if (found == object.end() || found->is_null()) return "-";
  return found->is_string() ? found->get<std::string>() : found->dump();
}

std::string time_of(const nlohmann::json& object, const char* name) {
  const auto found = object.find(name);
  if (found == object.end() || !found->is_number_integer()) return "-";
  return iso8601_utc(found->get<std::int64_t>());
}

}  // namespace

ExitCode run_operators_add(HubApi& api, const std::string& name, const std::string& role,
                           Console& console) {
  const ApiResult made = api.add_operator(name, role);
  if (!made.ok()) return report_api_failure(console, made.failure());
  if (console.json) {
    console.out << made.body().dump(2) << "\n";
  } else {
    console.err << "operator " << text(made.body(), "name") << " (" << text(made.body(), "role")
                << ") added; its token, shown only now:\n";
    console.out << text(made.body(), "token") << "\n";
  }
  return ExitCode::ok;
}

ExitCode run_operators_list(HubApi& api, Console& console) {
  const ApiResult listed = api.list_operators();
  if (!listed.ok()) return report_api_failure(console, listed.failure());
  if (console.json) {
    console.out << listed.body().dump(2) << "\n";
    return ExitCode::ok;
  }
  std::vector<std::vector<std::string>> rows{{"OPERATOR", "ROLE", "CREATED", "REVOKED"}};
  const auto operators = listed.body().find("operators");
  if (operators != listed.body().end() && operators->is_array()) {
    for (const nlohmann::json& entry : *operators) {
      if (!entry.is_object()) continue;
      rows.push_back({text(entry, "name"), text(entry, "role"), time_of(entry, "created_at_ms"),
                      time_of(entry, "revoked_at_ms")});
    }
  }
  console.out << format_table(rows);
  return ExitCode::ok;
}

ExitCode run_operators_revoke(HubApi& api, const std::string& name, Console& console) {
  const ApiResult revoked = api.revoke_operator(name);
  if (!revoked.ok()) return report_api_failure(console, revoked.failure());
  if (!console.json) console.out << "operator " << name << " revoked\n";
  return ExitCode::ok;
}

OperatorsCommandLine::OperatorsCommandLine(CLI::App& app) {
  CLI::App* operators = app.add_subcommand(
      "operators", "who may use the API: add (prints the token once), list, revoke (admin)");
  operators->require_subcommand(1);
  add_ = operators->add_subcommand("add", "add an operator; prints its new token once");
  add_->add_option("name", name_, "operator name (A-Z a-z 0-9 . _ -)")->required();
  add_->add_option("--role", role_,
                   "viewer (read), operator (also commands, jobs, twins), admin (also devices, "
                   "routes, streams, CAs, operators)")
      ->required()
      ->check(CLI::IsMember({"viewer", "operator", "admin"}));
  list_ = operators->add_subcommand("list", "list operators with their roles");
  revoke_ = operators->add_subcommand(
      "revoke", "revoke an operator: its token is refused from the next request on");
  revoke_->add_option("name", name_, "operator name")->required();
}

std::optional<ExitCode> OperatorsCommandLine::run_if_parsed(HubApi& api, Console& console) {
  if (add_->parsed()) return run_operators_add(api, name_, role_, console);
  if (list_->parsed()) return run_operators_list(api, console);
  if (revoke_->parsed()) return run_operators_revoke(api, name_, console);
  return std::nullopt;
}

}  // namespace edgehub::hubctl

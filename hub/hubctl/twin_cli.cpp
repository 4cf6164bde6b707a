#include "hubctl/twin_cli.h"

#include "hubctl/command_arguments.h"
#include "hubctl/command_failure.h"

namespace edgehub::hubctl {
namespace {

std::string describe_document(const nlohmann::json& twin, const char* which) {
  const nlohmann::json document = twin.value(which, nlohmann::json::object());
  return std::string(which) + " (version " + document.value("version", nlohmann::json(0)).dump() +
         "): " + document.value("properties", nlohmann::json::object()).dump() + "\n";
}

}  // namespace

ExitCode run_twin_get(HubApi& api, const std::string& device_id, Console& console) {
  if (auto valid = check_device_id(device_id); !valid) {
    return report_usage_error(console, valid.error());
  }
  const ApiResult twin = api.get_twin(device_id);
  if (!twin.ok()) return report_api_failure(console, twin.failure());
  if (console.json) {
    console.out << twin.body().dump(2) << "\n";
  } else {
    console.out << describe_document(twin.body(), "desired")
                << describe_document(twin.body(), "reported") << "desired version applied by "
                << device_id << ": "
                << twin.body().value("desired_acknowledged_version", nlohmann::json(0)).dump()
                << "\n";
  }
  return ExitCode::ok;
}

ExitCode run_twin_set(HubApi& api, const std::string& device_id, const std::string& desired_json,
                      std::optional<std::uint64_t> version, Console& console) {
  if (auto valid = check_device_id(device_id); !valid) {
    return report_usage_error(console, valid.error());
  }
  auto desired = parse_payload(desired_json);
  if (!desired) return report_usage_error(console, desired.error());
  if (!desired->is_object()) {
    return report_usage_error(console, make_error(ErrorCode::invalid_argument,
                                                  "--desired must be a JSON object"));
  }
  nlohmann::json body = {{"desired", *desired}};
  if (version) body["version"] = *version;
  const ApiResult twin = api.patch_twin(device_id, body);
  if (!twin.ok()) return report_api_failure(console, twin.failure());
  if (console.json) {
    console.out << twin.body().dump(2) << "\n";
  } else {
    console.out << describe_document(twin.body(), "desired");
  }
  return ExitCode::ok;
}

TwinCommandLine::TwinCommandLine(CLI::App& app) {
  CLI::App* twin = app.add_subcommand("twin", "show or change a device's twin");
  twin->require_subcommand(1);
  get_ = twin->add_subcommand("get", "show desired and reported properties with their versions");
  get_->add_option("id", device_id_, "device id")->required();
  set_ = twin->add_subcommand(
      "set", "merge into the desired properties (null removes a key); the device gets them");
  set_->add_option("id", device_id_, "device id")->required();
  set_->add_option("--desired", desired_, "JSON object, e.g. '{\"interval_ms\": 500}'")
      ->required();
  version_option_ = set_->add_option(
      "--version", version_, "the desired version this change is based on (stale: refused, 409)");
}

std::optional<ExitCode> TwinCommandLine::run_if_parsed(HubApi& api, Console& console) {
  if (get_->parsed()) return run_twin_get(api, device_id_, console);
  if (set_->parsed()) {
    std::optional<std::uint64_t> version;
    if (version_option_->count() > 0) version = version_;
    return run_twin_set(api, device_id_, desired_, version, console);
  }
  return std::nullopt;
}

}  // namespace edgehub::hubctl

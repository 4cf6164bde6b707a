#include "hubctl/exports_cli.h"

#include <charconv>

#include "hubctl/command_failure.h"
#include "hubctl/output_format.h"

namespace edgehub::hubctl {
namespace {

// "1234 ms" / "12.3 s" / "-" (caught up).
std::string age_of(const nlohmann::json& object) {
  const auto found = object.find("oldest_unexported_age_ms");
  if (found == object.end() || !found->is_number()) return "-";
  const auto ms = found->get<std::int64_t>();
  if (ms < 10000) return std::to_string(ms) + " ms";
  return std::to_string(ms / 1000) + " s";
}

std::string rate_of(const nlohmann::json& object) {
  const auto found = object.find("records_per_second");
  if (found == object.end() || !found->is_number()) return "-";
  return std::to_string(static_cast<long long>(found->get<double>() + 0.5)) + "/s";
}

// "true", "false" and integers become JSON values; anything else a string.
nlohmann::json option_value(const std::string& text) {
  if (text == "true") return true;
  if (text == "false") return false;
  std::uint64_t number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (!text.empty() && error == std::errc() && end == text.data() + text.size()) return number;
  return text;
}

}  // namespace

Result<nlohmann::json> export_request(const ExportAddArguments& arguments) {
  nlohmann::json options = nlohmann::json::object();
  if (!arguments.options_json.empty()) {
    options = nlohmann::json::parse(arguments.options_json, nullptr, false);
    if (options.is_discarded() || !options.is_object()) {
      return make_error(ErrorCode::invalid_argument, "--options-json must be a JSON object");
    }
  }
  for (const std::string& option : arguments.options) {
    const auto equals = option.find('=');
    if (equals == std::string::npos || equals == 0) {
      return make_error(ErrorCode::invalid_argument,
                        "--option '" + option + "': expected key=value");
    }
    options[option.substr(0, equals)] = option_value(option.substr(equals + 1));
  }
  nlohmann::json request = {{"name", arguments.name},
                            {"stream", arguments.stream},
                            {"destination", {{"type", arguments.type}, {"options", options}}},
                            {"paused", arguments.paused}};
  if (arguments.batch_size) request["batch_size"] = *arguments.batch_size;
  if (arguments.linger_ms) request["linger_ms"] = *arguments.linger_ms;
  if (!arguments.on_retention.empty()) request["on_retention"] = arguments.on_retention;
  if (!arguments.start.empty()) request["start"] = option_value(arguments.start);
  return request;
}

ExitCode run_exports_add(HubApi& api, const ExportAddArguments& arguments, Console& console) {
  auto request = export_request(arguments);
  if (!request) {
    console.err << "hubctl: " << request.error().message << "\n";
    return ExitCode::usage;
  }
  const ApiResult added = api.add_export(*request);
  if (!added.ok()) return report_api_failure(console, added.failure());
  if (console.json) {
    console.out << added.body().dump(2) << "\n";
  } else {
    console.out << "export " << field_text(added.body(), "name") << " added: stream "
                << field_text(added.body(), "stream") << " from offset "
                << field_text(added.body(), "position") << " (" << field_text(added.body(), "state")
                << ")\n";
  }
  return ExitCode::ok;
}

ExitCode run_exports_list(HubApi& api, Console& console) {
  const ApiResult listed = api.list_exports();
  if (!listed.ok()) return report_api_failure(console, listed.failure());
  if (console.json) {
    console.out << listed.body().dump(2) << "\n";
    return ExitCode::ok;
  }
  std::vector<std::vector<std::string>> rows{
      {"EXPORT", "STREAM", "TYPE", "STATE", "POSITION", "LAG", "OLDEST", "RATE", "LAST ERROR"}};
  const auto exports = listed.body().find("exports");
  if (exports != listed.body().end() && exports->is_array()) {
    for (const nlohmann::json& entry : *exports) {
      if (!entry.is_object()) continue;
      const auto destination = entry.value("destination", nlohmann::json::object());
      rows.push_back({field_text(entry, "name"), field_text(entry, "stream"),
                      field_text(destination, "type"), field_text(entry, "state"),
                      field_text(entry, "position"), field_text(entry, "lag_records"),
                      age_of(entry), rate_of(entry), field_text(entry, "last_error")});
    }
  }
  console.out << format_table(rows);
  return ExitCode::ok;
}

ExitCode run_exports_show(HubApi& api, const std::string& name, Console& console) {
  const ApiResult shown = api.get_export(name);
  if (!shown.ok()) return report_api_failure(console, shown.failure());
  const nlohmann::json& body = shown.body();
  if (console.json) {
    console.out << body.dump(2) << "\n";
    return ExitCode::ok;
  }
  const auto destination = body.value("destination", nlohmann::json::object());
  std::vector<std::vector<std::string>> rows{
      {"name", field_text(body, "name")},
      {"stream", field_text(body, "stream")},
      {"destination", field_text(destination, "type") + " " +
                          destination.value("options", nlohmann::json::object()).dump()},
      {"sends to", field_text(body, "destination_description")},
      {"state", field_text(body, "state")},
      {"position", field_text(body, "position")},
      {"lag", field_text(body, "lag_records") + " records, oldest " + age_of(body)},
      {"throughput", rate_of(body)},
      {"sent", field_text(body, "sent") + " records since hubd started, last " +
                   field_time(body, "last_sent_at_ms")},
      {"failures",
       field_text(body, "failures") + " (" + field_text(body, "failures_in_a_row") + " in a row)"},
      {"last error",
       field_text(body, "last_error") + " at " + field_time(body, "last_error_at_ms")},
      {"on retention", field_text(body, "on_retention")},
      {"skipped", field_text(body, "skipped_records") +
                      " records deleted by retention before sent" +
                      (body.contains("last_skipped_range")
                           ? " (last: offsets " + field_text(body["last_skipped_range"], "from") +
                                 " to " + field_text(body["last_skipped_range"], "to") + ")"
                           : "")},
      {"batch", field_text(body, "batch_size") + " records, linger " +
                    field_text(body, "linger_ms") + " ms"}};
  for (const auto& row : rows) console.out << row[0] << ": " << row[1] << "\n";
  return ExitCode::ok;
}

ExitCode run_exports_pause(HubApi& api, const std::string& name, bool paused, Console& console) {
  const ApiResult done = api.set_export_paused(name, paused);
  if (!done.ok()) return report_api_failure(console, done.failure());
  if (console.json) {
    console.out << done.body().dump(2) << "\n";
  } else {
    console.out << "export " << name << (paused ? " paused" : " resumed") << " at offset "
                << field_text(done.body(), "position") << "\n";
  }
  return ExitCode::ok;
}

ExitCode run_exports_remove(HubApi& api, const std::string& name, Console& console) {
  const ApiResult removed = api.remove_export(name);
  if (!removed.ok()) return report_api_failure(console, removed.failure());
  if (!console.json) console.out << "export " << name << " removed\n";
  return ExitCode::ok;
}

ExportsCommandLine::ExportsCommandLine(CLI::App& app) {
  CLI::App* exports = app.add_subcommand(
      "exports",
      "send a stream's records to an upstream MQTT broker (NATS, Kafka where built): add, "
      "list, show, pause, resume, remove");
  exports->require_subcommand(1);
  add_ = exports->add_subcommand(
      "add",
      "add an export (admin), e.g. exports add up --stream telemetry --type mqtt "
      "--option url=mqtts://central:8883 --option ca_file=ca.pem --option cert_file=hub.pem "
      "--option key_file=hub.key --option topic=edge/{site}/{device}");
  add_->add_option("name", add_arguments_.name, "export name (A-Z a-z 0-9 . _ -)")->required();
  add_->add_option("--stream", add_arguments_.stream, "the stream to export")->required();
  add_->add_option("--type", add_arguments_.type, "destination type: mqtt (nats, kafka)")
      ->required();
  add_->add_option("--option", add_arguments_.options,
                   "destination option key=value (repeatable; mqtt: url, ca_file, cert_file, "
                   "key_file, client_id, topic, envelope, protocol, ack_timeout_ms)");
  add_->add_option("--options-json", add_arguments_.options_json,
                   "destination options as one JSON object (--option entries are added)");
  batch_size_ = add_->add_option("--batch-size", batch_size_value_,
                                 "records per send (1-10000, default 500)");
  linger_ms_ = add_->add_option("--linger-ms", linger_ms_value_,
                                "how long a short batch waits for more (ms, default 0)");
  add_->add_option("--on-retention", add_arguments_.on_retention,
                   "keep (default): retention never deletes records not sent yet (a full "
                   "stream refuses instead); delete_oldest: it may, the skipped range is "
                   "counted and shown")
      ->check(CLI::IsMember({"keep", "delete_oldest"}));
  add_->add_flag("--paused", add_arguments_.paused, "add it paused");
  add_->add_option("--start", add_arguments_.start,
                   "earliest (default: every retained record), latest (only new ones) or an "
                   "offset");
  list_ = exports->add_subcommand("list", "list exports with state, position, lag, last error");
  show_ = exports->add_subcommand(
      "show", "one export: position, lag (records and age), throughput, last error, skipped");
  show_->add_option("name", name_, "export name")->required();
  pause_ = exports->add_subcommand("pause", "stop sending (operator); the position stays");
  pause_->add_option("name", name_, "export name")->required();
  resume_ = exports->add_subcommand("resume", "send again from the position (operator)");
  resume_->add_option("name", name_, "export name")->required();
  remove_ = exports->add_subcommand(
      "remove", "remove an export (admin): its position and its hold on retention end");
  remove_->add_option("name", name_, "export name")->required();
}

std::optional<ExitCode> ExportsCommandLine::run_if_parsed(HubApi& api, Console& console) {
  if (add_->parsed()) {
    if (batch_size_->count() > 0) add_arguments_.batch_size = batch_size_value_;
    if (linger_ms_->count() > 0) add_arguments_.linger_ms = linger_ms_value_;
    return run_exports_add(api, add_arguments_, console);
  }
  if (list_->parsed()) return run_exports_list(api, console);
  if (show_->parsed()) return run_exports_show(api, name_, console);
  if (pause_->parsed()) return run_exports_pause(api, name_, true, console);
  if (resume_->parsed()) return run_exports_pause(api, name_, false, console);
  if (remove_->parsed()) return run_exports_remove(api, name_, console);
  return std::nullopt;
}

}  // namespace edgehub::hubctl

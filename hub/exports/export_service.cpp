#include "exports/export_service.h"

#include <spdlog/spdlog.h>

namespace edgehub::hub {
namespace {

Result<ExportDefinition> stored_definition(const StreamCursor& cursor) {
  const nlohmann::json json = nlohmann::json::parse(cursor.definition, nullptr, false);
  if (json.is_discarded()) {
    return make_error(ErrorCode::internal,
                      "export '" + cursor.name + "': its stored definition is not JSON");
  }
  return parse_export_definition(json);
}

}  // namespace

nlohmann::json export_view_json(const ExportView& view) {
  const ExportRunnerStatus& runner = view.runner;
  nlohmann::json json = export_definition_json(view.definition);
  json["state"] = runner.state;
  json["position"] = view.position;
  json["lag_records"] = view.lag_records;
  json["oldest_unexported_age_ms"] = view.oldest_unexported_age_ms
                                         ? nlohmann::json(*view.oldest_unexported_age_ms)
                                         : nlohmann::json(nullptr);
  json["skipped_records"] = view.skipped;
  if (runner.last_skipped_range) {
    json["last_skipped_range"] = {{"from", runner.last_skipped_range->first},
                                  {"to", runner.last_skipped_range->second}};
  }
  json["sent"] = runner.sent;
  json["records_per_second"] = runner.records_per_second;
  json["failures"] = runner.failures;
  json["failures_in_a_row"] = runner.failures_in_a_row;
  json["last_error"] =
      runner.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(runner.last_error);
  json["last_error_at_ms"] = runner.last_error_at_ms == 0 ? nlohmann::json(nullptr)
                                                          : nlohmann::json(runner.last_error_at_ms);
  json["last_sent_at_ms"] = runner.last_sent_at_ms == 0 ? nlohmann::json(nullptr)
                                                        : nlohmann::json(runner.last_sent_at_ms);
  if (!runner.destination.empty()) json["destination_description"] = runner.destination;
  return json;
}

ExportService::ExportService(StreamStore& store, const Clock& clock, ExportServiceSettings settings)
    : store_(store), clock_(clock), settings_(std::move(settings)) {}

ExportService::~ExportService() { stop(); }

Status ExportService::start() {
  auto cursors = store_.cursors();
  if (!cursors) return cursors.error();
  std::lock_guard lock(mutex_);
  for (const StreamCursor& cursor : *cursors) {
    auto definition = stored_definition(cursor);
    if (!definition) {
      spdlog::error("export {}: not started: {}", cursor.name, definition.error().message);
      continue;
    }
    start_runner(*definition, cursor);
  }
  if (!cursors->empty()) spdlog::info("exports: {} started", runners_.size());
  return ok_status();
}

void ExportService::stop() {
  std::map<std::string, std::unique_ptr<ExportRunner>, std::less<>> runners;
  {
    std::lock_guard lock(mutex_);
    runners.swap(runners_);
  }
  // Each runner finishes its send in progress; they stop side by side.
  for (auto& [name, runner] : runners) runner->set_paused(true);
  runners.clear();
}

void ExportService::start_runner(const ExportDefinition& definition, const StreamCursor& cursor) {
  auto runner = std::make_unique<ExportRunner>(
      store_, clock_, definition, cursor, settings_.site_id, settings_.factory, settings_.runner);
  runner->start();
  runners_[definition.name] = std::move(runner);
}

Result<ExportView> ExportService::add(const nlohmann::json& request) {
  auto definition = parse_export_definition(request);
  if (!definition) return definition.error();
  auto start = parse_export_start(request);
  if (!start) return start.error();
  // The destination's options are checked now, not at the first send.
  if (auto destination = settings_.factory(*definition, settings_.site_id); !destination) {
    return destination.error();
  }
  auto info = store_.stream_info(definition->stream);
  if (!info) return info.error();
  StreamCursor cursor;
  cursor.name = definition->name;
  cursor.stream = definition->stream;
  cursor.position = start->kind == ExportStart::Kind::earliest ? info->first_offset
                    : start->kind == ExportStart::Kind::latest ? info->next_offset
                                                               : start->offset;
  cursor.holds_retention = definition->holds_retention();
  cursor.definition = export_definition_json(*definition).dump();
  cursor.updated_at_ms = clock_.now_ms();
  Result<StreamCursor> created = make_error(ErrorCode::internal, "not created");
  {
    std::lock_guard lock(mutex_);
    created = store_.create_cursor(cursor);
    if (!created) return created.error();
    start_runner(*definition, *created);
  }
  spdlog::info("export {}: added (stream '{}' from offset {} to {})", definition->name,
               definition->stream, created->position, definition->destination_type);
  return view_of(*created);
}

Result<std::vector<ExportView>> ExportService::list() const {
  auto cursors = store_.cursors();
  if (!cursors) return cursors.error();
  std::vector<ExportView> views;
  for (const StreamCursor& cursor : *cursors) {
    auto view = view_of(cursor);
    if (!view) return view.error();
    views.push_back(std::move(view).value());
  }
  return views;
}

Result<ExportView> ExportService::show(std::string_view name) const {
  auto cursors = store_.cursors();
  if (!cursors) return cursors.error();
  for (const StreamCursor& cursor : *cursors) {
    if (cursor.name == name) return view_of(cursor);
  }
  return make_error(ErrorCode::not_found, "export '" + std::string(name) + "' does not exist");
}

Result<ExportView> ExportService::view_of(const StreamCursor& cursor) const {
  auto definition = stored_definition(cursor);
  if (!definition) return definition.error();
  ExportView view;
  view.definition = std::move(definition).value();
  view.position = cursor.position;
  view.skipped = cursor.skipped;
  {
    std::lock_guard lock(mutex_);
    if (const auto runner = runners_.find(cursor.name); runner != runners_.end()) {
      view.runner = runner->second->status();
    } else {
      view.runner.state = "stopped";
    }
  }
  auto info = store_.stream_info(cursor.stream);
  if (!info) return info.error();
  view.lag_records = info->next_offset > cursor.position ? info->next_offset - cursor.position : 0;
  if (view.lag_records > 0) {
    auto oldest = store_.read(cursor.stream, cursor.position, 1);
    if (oldest && !oldest->empty()) {
      view.oldest_unexported_age_ms =
          std::max<std::int64_t>(0, clock_.now_ms() - oldest->front().received_at_ms);
    }
  }
  return view;
}

Result<ExportView> ExportService::set_paused(std::string_view name, bool paused) {
  Result<StreamCursor> updated =
      make_error(ErrorCode::not_found, "export '" + std::string(name) + "' does not exist");
  {
    std::lock_guard lock(mutex_);
    auto cursors = store_.cursors();
    if (!cursors) return cursors.error();
    for (const StreamCursor& cursor : *cursors) {
      if (cursor.name != name) continue;
      auto definition = stored_definition(cursor);
      if (!definition) return definition.error();
      definition->paused = paused;
      updated = store_.update_cursor(name, export_definition_json(*definition).dump(),
                                     definition->holds_retention(), clock_.now_ms());
      if (!updated) return updated.error();
      if (const auto runner = runners_.find(name); runner != runners_.end()) {
        runner->second->set_paused(paused);
      }
      spdlog::info("export {}: {}", name, paused ? "paused" : "resumed");
      break;
    }
  }
  if (!updated) return updated.error();
  return view_of(*updated);
}

Status ExportService::remove(std::string_view name) {
  std::unique_ptr<ExportRunner> runner;
  {
    std::lock_guard lock(mutex_);
    if (const auto found = runners_.find(name); found != runners_.end()) {
      runner = std::move(found->second);
      runners_.erase(found);
    }
  }
  // Stopped first: no commit can follow the removal.
  if (runner) runner->stop();
  if (Status removed = store_.remove_cursor(name); !removed) return removed;
  spdlog::info("export {}: removed", name);
  return ok_status();
}

std::map<std::string, std::uint64_t> ExportService::counters() const {
  std::map<std::string, std::uint64_t> counters{{"exports", 0},
                                                {"exports_failing", 0},
                                                {"exports_records_sent", 0},
                                                {"exports_lag_records", 0},
                                                {"exports_skipped_records", 0}};
  auto views = list();
  if (!views) return counters;
  for (const ExportView& view : *views) {
    const std::string prefix = "export." + view.definition.name + ".";
    counters["exports"] += 1;
    counters["exports_failing"] += view.runner.failures_in_a_row > 0 ? 1 : 0;
    counters["exports_records_sent"] += view.runner.sent;
    counters["exports_lag_records"] += view.lag_records;
    counters["exports_skipped_records"] += view.skipped;
    counters[prefix + "position"] = view.position;
    counters[prefix + "lag_records"] = view.lag_records;
    counters[prefix + "oldest_unexported_age_ms"] =
        static_cast<std::uint64_t>(view.oldest_unexported_age_ms.value_or(0));
    counters[prefix + "sent"] = view.runner.sent;
    counters[prefix + "failures"] = view.runner.failures;
    counters[prefix + "skipped_records"] = view.skipped;
  }
  return counters;
}

}  // namespace edgehub::hub

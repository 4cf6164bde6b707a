#include "api/command_handlers.h"

#include <charconv>

namespace edgehub::hub::command_api {
namespace {
Json optional_ms(const std::optional<std::int64_t>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Result<std::chrono::milliseconds> milliseconds_field(const Json& request, const char* name,
                                                     std::chrono::milliseconds fallback,
                                                     std::chrono::milliseconds maximum) {
  const auto given = request.find(name);
  if (given == request.end()) return fallback;
  if (!given->is_number_unsigned() || given->get<std::uint64_t>() == 0 ||
      given->get<std::uint64_t>() > static_cast<std::uint64_t>(maximum.count())) {
    return invalid_request(std::string("field '") + name + "' must be an integer 1-" +
                           std::to_string(maximum.count()));
  }
  return std::chrono::milliseconds(given->get<std::uint64_t>());
}

}  // namespace

Json command_json(const CommandRecord& command) {
  Json response = nullptr;
  if (command.response_status) {
    response = Json{{"status", *command.response_status},
                    {"payload", parsed_or_null(command.response_payload_json.value_or("null"))},
                    {"at_ms", optional_ms(command.responded_at_ms)},
                    // An answer after the command was decided (timed-out): recorded, not used.
                    {"late", command.state == CommandState::timed_out ||
                                 command.state == CommandState::expired ||
                                 command.state == CommandState::cancelled}};
  }
  return Json{{"id", command.id},
              {"device", command.device_id},
              {"name", command.name},
              {"payload", parsed_or_null(command.payload_json)},
              {"state", to_string(command.state)},
              {"queued", command.queued_by_operator},
              {"timeout_ms", command.timeout_ms},
              {"created_at_ms", command.created_at_ms},
              {"expires_at_ms", command.expires_at_ms},
              {"sent_at_ms", optional_ms(command.sent_at_ms)},
              {"deadline_ms", optional_ms(command.deadline_ms)},
              {"finished_at_ms", optional_ms(command.finished_at_ms)},
              {"response", std::move(response)},
              {"job", command.job_id.empty() ? Json(nullptr) : Json(command.job_id)}};
}

ApiResponse send(CommandDispatcher& commands, std::string_view device_id, std::string_view body) {
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  CommandSubmission submission;
  submission.device_id = std::string(device_id);
  const auto name = request->find("name");
  if (name == request->end() || !name->is_string()) {
    return error_response(invalid_request("field 'name' (string) is required"));
  }
  submission.name = name->get<std::string>();
  if (const auto given = request->find("payload"); given != request->end()) {
    submission.payload_json = given->dump();
  }
  if (const auto given = request->find("id"); given != request->end()) {
    if (!given->is_string()) return error_response(invalid_request("field 'id' must be a string"));
    submission.id = given->get<std::string>();
  }
  if (const auto given = request->find("queue"); given != request->end()) {
    if (!given->is_boolean())
      return error_response(invalid_request("field 'queue' must be true or false"));
    submission.queue = given->get<bool>();
  }
  auto timeout =
      milliseconds_field(*request, "timeout_ms", kDefaultCommandTimeout, kMaxCommandTimeout);
  if (!timeout) return error_response(timeout.error());
  submission.timeout = *timeout;
  auto ttl = milliseconds_field(*request, "ttl_ms", kDefaultQueueTtl, kMaxQueueTtl);
  if (!ttl) return error_response(ttl.error());
  if (request->contains("ttl_ms") && !submission.queue) {
    return error_response(invalid_request("field 'ttl_ms' needs \"queue\": true"));
  }
  submission.ttl = *ttl;

  const auto started = std::chrono::steady_clock::now();
  auto command = commands.submit(submission);
  if (!command) return error_response(command.error());
  if (submission.queue) return json_response(202, Json{{"command", command_json(*command)}});
  CommandOutcome outcome = outcome_of(*command);
  outcome.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  return json_response(200, Json{{"id", outcome.id},
                                 {"device", outcome.device_id},
                                 {"name", outcome.name},
                                 {"state", to_string(command->state)},
                                 {"status", outcome.status},
                                 {"payload", parsed_or_null(outcome.payload_json)},
                                 {"latency_ms", outcome.latency_ms}});
}

ApiResponse list(const CommandDispatcher& commands, std::optional<std::string_view> device,
                 std::optional<std::string_view> state, std::optional<std::string_view> job,
                 std::optional<std::string_view> limit) {
  CommandQuery query;
  if (device) query.device_id = std::string(*device);
  if (job) query.job_id = std::string(*job);
  if (state) {
    query.state = parse_command_state(*state);
    if (!query.state) {
      return error_response(
          invalid_request("unknown command state '" + std::string(*state) +
                          "' (queued, sent, completed, rejected, failed, expired, "
                          "timed-out, cancelled)"));
    }
  }
  if (limit) {
    std::size_t count = 0;
    const auto [end, error] = std::from_chars(limit->data(), limit->data() + limit->size(), count);
    if (error != std::errc() || end != limit->data() + limit->size() || count < 1 ||
        count > 10000) {
      return error_response(invalid_request("query parameter 'limit' must be 1-10000"));
    }
    query.limit = count;
  }
  auto found = commands.list(query);
  if (!found) return error_response(found.error());
  Json list = Json::array();
  for (const auto& command : *found) list.push_back(command_json(command));
  return json_response(200, Json{{"commands", std::move(list)}});
}

ApiResponse show(const CommandDispatcher& commands, std::string_view command_id) {
  auto command = commands.find(command_id);
  if (!command) return error_response(command.error());
  return json_response(200, command_json(*command));
}

ApiResponse cancel(CommandDispatcher& commands, std::string_view command_id) {
  auto command = commands.cancel(command_id);
  if (!command) return error_response(command.error());
  return json_response(200, command_json(*command));
}

namespace {
Json job_json(const JobProgress& progress) {
  Json states = Json::object();
  for (const auto& [state, count] : progress.by_state) states[state] = count;
  return Json{{"id", progress.id},
              {"total", progress.total},
              {"completed", progress.completed},
              {"failed", progress.failed},
              {"pending", progress.pending},
              {"done", progress.done()},
              {"states", std::move(states)}};
}

}  // namespace

ApiResponse create_job(FleetJobs& jobs, std::string_view body) {
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  JobRequest job;
  const auto selector = request->find("selector");
  if (selector == request->end() || !selector->is_object()) {
    return error_response(
        invalid_request("field 'selector' ({\"id_pattern\": ...} or {\"tag\": ...}) is required"));
  }
  job.selector.id_pattern = selector->value("id_pattern", "");
  job.selector.tag = selector->value("tag", "");
  const auto name = request->find("name");
  if (name == request->end() || !name->is_string()) {
    return error_response(invalid_request("field 'name' (string) is required"));
  }
  job.name = name->get<std::string>();
  if (const auto given = request->find("payload"); given != request->end()) {
    job.payload_json = given->dump();
  }
  if (const auto given = request->find("id"); given != request->end()) {
    if (!given->is_string()) return error_response(invalid_request("field 'id' must be a string"));
    job.id = given->get<std::string>();
  }
  auto timeout =
      milliseconds_field(*request, "timeout_ms", kDefaultCommandTimeout, kMaxCommandTimeout);
  if (!timeout) return error_response(timeout.error());
  job.timeout = *timeout;
  auto ttl = milliseconds_field(*request, "ttl_ms", kDefaultQueueTtl, kMaxQueueTtl);
  if (!ttl) return error_response(ttl.error());
  job.ttl = *ttl;
  auto created = jobs.create(job);
  if (!created) return error_response(created.error());
  Json answer = job_json(created->progress);
  answer["refused"] = created->refused;
  return json_response(201, answer);
}

ApiResponse job_progress(const FleetJobs& jobs, std::string_view job_id) {
  auto progress = jobs.progress(job_id);
  if (!progress) return error_response(progress.error());
  return json_response(200, job_json(*progress));
}

void add_connection_fields(Json& device, const DevicePresence* presence) {
  if (presence == nullptr) return;
  const auto connection = presence->connection_of(device.value("id", ""));
  if (!connection) {
    device["connection"] = "never";
    device["last_seen_ms"] = nullptr;
    return;
  }
  device["connection"] = connection->connected ? "connected" : "disconnected";
  device["last_seen_ms"] = connection->last_seen_ms;
}

}  // namespace edgehub::hub::command_api

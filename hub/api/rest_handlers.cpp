#include "api/rest_handlers.h"

#include <charconv>

#include "api/json_views.h"

namespace edgehub::hub {
namespace {

// Invalid UTF-8 (a device id in a URL, say) is replaced, never thrown.
ApiResponse json_response(int status, const Json& body) {
  return ApiResponse{status, body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

Error invalid(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

Result<std::uint64_t> unsigned_parameter(std::string_view name, std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return invalid("query parameter '" + std::string(name) +
                   "' must be an unsigned integer, not '" + std::string(text) + "'");
  }
  return value;
}

bool is_well_known_stream(std::string_view name) {
  return name == kTelemetryStream || name == kDeadLetterStream;
}

}  // namespace

RestHandlers::RestHandlers(RestDependencies dependencies)
    : dependencies_(std::move(dependencies)) {}

ApiResponse RestHandlers::health() const {
  const HealthReport report = dependencies_.health ? dependencies_.health() : HealthReport{};
  Json counters = Json::object();
  for (const auto& [name, value] : report.counters) counters[name] = value;
  return json_response(200, Json{{"status", "ok"},
                                 {"broker_connected", report.broker_connected},
                                 {"version", dependencies_.version},
                                 {"counters", std::move(counters)}});
}

ApiResponse RestHandlers::list_devices() const {
  auto devices = dependencies_.registry.list();
  if (!devices) return error_response(devices.error());
  Json list = Json::array();
  for (const auto& device : *devices) list.push_back(device_json(device));
  return json_response(200, Json{{"devices", std::move(list)}});
}

ApiResponse RestHandlers::add_device(std::string_view body) {
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  const auto id = request->find("id");
  if (id == request->end() || !id->is_string()) {
    return error_response(invalid("field 'id' (string) is required"));
  }
  std::string attributes = "{}";
  if (const auto given = request->find("attributes"); given != request->end()) {
    if (!given->is_object())
      return error_response(invalid("field 'attributes' must be a JSON object"));
    attributes = given->dump();
  }
  auto enrolled = dependencies_.enrollment.enroll(id->get<std::string>(), attributes);
  if (!enrolled) return error_response(enrolled.error());
  return json_response(201,
                       Json{{"device", device_json(enrolled->device)},
                            {"certificate_pem", enrolled->credentials.certificate_pem},
                            {"private_key_pem", enrolled->credentials.private_key_pem},
                            {"ca_certificate_pem", dependencies_.enrollment.ca_certificate_pem()}});
}

ApiResponse RestHandlers::get_device(std::string_view id) const {
  auto device = dependencies_.registry.find(id);
  if (!device) return error_response(device.error());
  return json_response(200, device_json(*device));
}

ApiResponse RestHandlers::delete_device(std::string_view id) {
  if (id == kHubServiceId) {
    return error_response(
        make_error(ErrorCode::conflict, "the hub's service identity 'hubd' cannot be removed"));
  }
  if (Status removed = dependencies_.registry.remove(id); !removed) {
    return error_response(removed.error());
  }
  return ApiResponse{204, ""};
}

ApiResponse RestHandlers::send_command(std::string_view id, std::string_view body) {
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  const auto name = request->find("name");
  if (name == request->end() || !name->is_string()) {
    return error_response(invalid("field 'name' (string) is required"));
  }
  std::string payload = "null";
  if (const auto given = request->find("payload"); given != request->end()) payload = given->dump();
  auto timeout = kDefaultCommandTimeout;
  if (const auto given = request->find("timeout_ms"); given != request->end()) {
    if (!given->is_number_unsigned()) {
      return error_response(invalid("field 'timeout_ms' must be an unsigned integer"));
    }
    const auto milliseconds = given->get<std::uint64_t>();
    if (milliseconds == 0 ||
        milliseconds > static_cast<std::uint64_t>(kMaxCommandTimeout.count())) {
      return error_response(
          invalid("field 'timeout_ms' must be 1-" + std::to_string(kMaxCommandTimeout.count())));
    }
    timeout = std::chrono::milliseconds(milliseconds);
  }
  auto outcome = dependencies_.commands.send(id, name->get<std::string>(), payload, timeout);
  if (!outcome) return error_response(outcome.error());
  Json result = Json::parse(outcome->payload_json, nullptr, /*allow_exceptions=*/false);
  if (result.is_discarded()) result = nullptr;
  return json_response(200, Json{{"id", outcome->id},
                                 {"device", outcome->device_id},
                                 {"name", outcome->name},
                                 {"status", outcome->status},
                                 {"payload", std::move(result)},
                                 {"latency_ms", outcome->latency_ms}});
}

ApiResponse RestHandlers::list_streams() const {
  auto streams = dependencies_.streams.list();
  if (!streams) return error_response(streams.error());
  Json list = Json::array();
  for (const auto& info : *streams) list.push_back(stream_info_json(info));
  return json_response(200, Json{{"streams", std::move(list)}});
}

ApiResponse RestHandlers::read_records(std::string_view stream,
                                       std::optional<std::string_view> from,
                                       std::optional<std::string_view> limit) const {
  std::uint64_t from_offset = 0;
  if (from) {
    auto parsed = unsigned_parameter("from", *from);
    if (!parsed) return error_response(parsed.error());
    from_offset = *parsed;
  }
  std::uint64_t count = kDefaultRecordsPerRead;
  if (limit) {
    auto parsed = unsigned_parameter("limit", *limit);
    if (!parsed) return error_response(parsed.error());
    count = *parsed;
  }
  if (count < 1 || count > kMaxRecordsPerRead) {
    return error_response(
        invalid("query parameter 'limit' must be 1-" + std::to_string(kMaxRecordsPerRead)));
  }
  auto records = dependencies_.streams.read(stream, from_offset, static_cast<std::size_t>(count));
  Json list = Json::array();
  std::uint64_t next_offset = from_offset;
  if (!records) {
    // telemetry and deadletter exist from the start for a reader, even
    // before their first record.
    if (records.error().code != ErrorCode::not_found || !is_well_known_stream(stream)) {
      return error_response(records.error());
    }
  } else {
    for (const auto& record : *records) {
      list.push_back(record_json(record));
      next_offset = record.offset + 1;
    }
  }
  return json_response(200, Json{{"stream", std::string(stream)},
                                 {"records", std::move(list)},
                                 {"next_offset", next_offset}});
}

}  // namespace edgehub::hub

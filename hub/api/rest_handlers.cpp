#include "api/rest_handlers.h"

#include <charconv>
#include <optional>

#include "api/certificate_choice.h"
#include "api/command_handlers.h"
#include "api/device_page.h"
#include "api/json_views.h"

namespace edgehub::hub {
// Commit times and operator-created streams use the wall clock.
const SystemClock kWallClock;

RestHandlers::RestHandlers(RestDependencies dependencies)
    : dependencies_(std::move(dependencies)), streams_(dependencies_.streams, kWallClock) {}

HealthReport RestHandlers::health_report() const {
  return dependencies_.health ? dependencies_.health() : HealthReport{};
}

ApiResponse RestHandlers::health() const {
  const HealthReport report = health_report();
  Json counters = Json::object();
  for (const auto& [name, value] : report.counters) counters[name] = value;
  Json answer{{"status", report.problems.empty() ? "ok" : "degraded"},
              {"broker_connected", report.broker_connected},
              {"version", dependencies_.version},
              {"counters", std::move(counters)}};
  if (!report.problems.empty()) answer["problems"] = report.problems;
  return json_response(200, answer);
}

namespace {
void add_limit_hits(Json& device, const LimitHitCounts* counts) {
  if (counts == nullptr) return;
  Json hits = Json::object();
  if (const auto found = counts->by_device.find(device.value("id", ""));
      found != counts->by_device.end()) {
    for (const auto& [limit, count] : found->second) hits[limit] = count;
  }
  device["limit_hits"] = std::move(hits);
}

}  // namespace

ApiResponse RestHandlers::list_devices(std::optional<std::string_view> limit,
                                       std::optional<std::string_view> after,
                                       std::optional<std::string_view> state) const {
  auto query = parse_device_list_query(limit, after, state);
  if (!query) return error_response(query.error());
  auto page = read_device_page(dependencies_.registry, presence_, *query);
  if (!page) return error_response(page.error());
  const std::optional<LimitHitCounts> hits =
      limit_hits_ ? std::optional(limit_hits_->counts()) : std::nullopt;
  // The body is written device by device: a page of 5,000 is about 1.2 MB of
  // text, and as one JSON tree several times that, allocated and freed by
  // whichever of the 64 request threads serves it (issue 17: hubd grew from
  // 18 MB to 153 MB over repeated whole-fleet listings).
  std::string body = "{\"devices\":[";
  for (const auto& device : page->devices) {
    Json shown = device_json(device);
    command_api::add_connection_fields(shown, presence_);
    add_limit_hits(shown, hits ? &*hits : nullptr);
    if (body.back() != '[') body += ',';
    body += shown.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  body += ']';
  if (page->next_after) body += ",\"next_after\":" + Json(*page->next_after).dump();
  body += '}';
  return ApiResponse{200, std::move(body)};
}

ApiResponse RestHandlers::add_device(std::string_view body) {
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  const auto id = request->find("id");
  if (id == request->end() || !id->is_string()) {
    return error_response(invalid_request("field 'id' (string) is required"));
  }
  std::string attributes = "{}";
  if (const auto given = request->find("attributes"); given != request->end()) {
    if (!given->is_object())
      return error_response(invalid_request("field 'attributes' must be a JSON object"));
    attributes = given->dump();
  }
  // "csr_pem": the hub signs the device's own key; "certificate_pem": the
  // device's certificate from a trusted CA; neither: the hub makes a key.
  auto choice = certificate_choice(*request);
  if (!choice) return error_response(choice.error());
  auto enrolled = dependencies_.enrollment.enroll(id->get<std::string>(), attributes,
                                                  choice->source, choice->pem);
  if (!enrolled) return error_response(enrolled.error());
  Json answer{{"device", device_json(enrolled->device)},
              {"certificate_pem", enrolled->credentials.certificate_pem}};
  if (choice->source == CertificateSource::hub_key) {
    answer["private_key_pem"] = enrolled->credentials.private_key_pem;
  }
  answer["ca_certificate_pem"] = dependencies_.enrollment.ca_certificate_pem();
  return json_response(201, answer);
}

ApiResponse RestHandlers::get_device(std::string_view id) const {
  auto device = dependencies_.registry.find(id);
  if (!device) return error_response(device.error());
  Json shown = device_json(*device);
  command_api::add_connection_fields(shown, presence_);
  if (limit_hits_) {
    const LimitHitCounts hits = limit_hits_->counts();
    add_limit_hits(shown, &hits);
  }
  return json_response(200, shown);
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
  return command_api::send(dependencies_.commands, id, body);
}

// The stream endpoints live in stream_handlers.cpp; these two stay for
// callers of the original API.
ApiResponse RestHandlers::list_streams() const { return streams_.list(); }

ApiResponse RestHandlers::read_records(std::string_view stream,
                                       std::optional<std::string_view> from,
                                       std::optional<std::string_view> limit) const {
  return streams_.read(stream, ReadStart{from, {}, {}}, limit, {});
}

}  // namespace edgehub::hub

#include "api/twin_routes.h"

#include <charconv>
#include <optional>
#include <string>

#include "api/api_response.h"
#include "api/json_views.h"

namespace edgehub::hub {
namespace {

Json properties(const std::string& text) {
  Json value = parse_stored_json(text);
  return value.is_discarded() ? Json::object() : value;
}

ApiResponse twin_response(const Twin& twin) {
  const Json body{{"device", twin.device_id},
                  {"desired",
                   {{"version", twin.desired.version},
                    {"properties", properties(twin.desired.properties_json)},
                    {"updated_at_ms", twin.desired.updated_at_ms}}},
                  {"reported",
                   {{"version", twin.reported.version},
                    {"properties", properties(twin.reported.properties_json)},
                    {"updated_at_ms", twin.reported.updated_at_ms}}},
                  {"desired_acknowledged_version", twin.desired_acknowledged_version}};
  return ApiResponse{200, body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

ApiResponse unavailable() {
  return error_response(make_error(ErrorCode::unavailable, "twins are not available yet"));
}

Result<std::optional<std::uint64_t>> expected_version(const httplib::Request& request,
                                                      const Json& body) {
  if (const auto given = body.find("version"); given != body.end()) {
    if (!given->is_number_unsigned()) {
      return make_error(ErrorCode::invalid_argument, "field 'version' must be an unsigned integer");
    }
    return std::optional<std::uint64_t>(given->get<std::uint64_t>());
  }
  if (!request.has_header("If-Match")) return std::optional<std::uint64_t>();
  std::string text = request.get_header_value("If-Match");
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  std::uint64_t version = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return make_error(ErrorCode::invalid_argument,
                      "If-Match must be the desired version (an unsigned integer)");
  }
  return std::optional<std::uint64_t>(version);
}

}  // namespace

void route_twins(ApiRouter& router, std::function<TwinService*()> twins) {
  router.get(R"(/api/v1/devices/([^/]+)/twin)",
             [twins](const httplib::Request& request, httplib::Response& response) {
               TwinService* service = twins();
               if (service == nullptr) return reply(response, unavailable());
               auto twin = service->get(request.matches[1].str());
               reply(response, twin ? twin_response(*twin) : error_response(twin.error()));
             });
  router.patch(R"(/api/v1/devices/([^/]+)/twin)", [twins](const httplib::Request& request,
                                                          httplib::Response& response) {
    TwinService* service = twins();
    if (service == nullptr) return reply(response, unavailable());
    auto body = parse_json_object_body(request.body);
    if (!body) return reply(response, error_response(body.error()));
    const auto desired = body->find("desired");
    if (desired == body->end() || !desired->is_object()) {
      return reply(response,
                   error_response(make_error(ErrorCode::invalid_argument,
                                             "field 'desired' (a JSON object) is required")));
    }
    auto expected = expected_version(request, *body);
    if (!expected) return reply(response, error_response(expected.error()));
    auto twin = service->patch_desired(request.matches[1].str(), desired->dump(), *expected);
    reply(response, twin ? twin_response(*twin) : error_response(twin.error()));
  });
}

}  // namespace edgehub::hub

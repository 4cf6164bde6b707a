// REST handlers of the routes (docs/protocol.md section 6): list, add,
// remove, and test a rule against a sample message.
#include "api/json_views.h"
#include "api/rest_handlers.h"

namespace edgehub::hub {
namespace {
ApiResponse routing_unavailable() {
  return error_response(make_error(ErrorCode::unavailable, "routing is not enabled in this hub"));
}

Json json_or_text(const std::string& text) {
  Json parsed = parse_stored_json(text);
  return parsed.is_discarded() ? Json(text) : parsed;
}

Json route_json(const RouteStatus& status) {
  const RouteDefinition& route = status.definition;
  return Json{{"name", route.name},
              {"condition", route.condition},
              {"projection", route.projection.empty() ? Json(nullptr) : Json(route.projection)},
              {"stream", route.stream},
              {"created_at_ms", route.created_at_ms},
              {"matched", status.matched},
              {"errors", status.errors},
              {"overruns", status.overruns},
              {"disabled", status.disabled_reason ? Json(*status.disabled_reason) : Json(nullptr)}};
}

// A string field: absent -> fallback (nullopt when required); wrong type -> error.
Result<std::optional<std::string>> string_field(const Json& body, const char* name) {
  const auto found = body.find(name);
  if (found == body.end() || found->is_null()) return std::optional<std::string>();
  if (!found->is_string())
    return invalid_request(std::string("field '") + name + "' must be a string");
  return std::optional<std::string>(found->get<std::string>());
}

}  // namespace

ApiResponse RestHandlers::list_routes() const {
  if (routes_ == nullptr) return routing_unavailable();
  Json list = Json::array();
  for (const RouteStatus& status : routes_->list()) list.push_back(route_json(status));
  return json_response(200, Json{{"routes", std::move(list)}});
}

ApiResponse RestHandlers::add_route(std::string_view body) {
  if (routes_ == nullptr) return routing_unavailable();
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  RouteDefinition route;
  for (auto [name, target, required] :
       {std::tuple{"name", &route.name, true}, std::tuple{"condition", &route.condition, true},
        std::tuple{"stream", &route.stream, true},
        std::tuple{"projection", &route.projection, false}}) {
    auto value = string_field(*request, name);
    if (!value) return error_response(value.error());
    if (!*value && required) {
      return error_response(
          invalid_request(std::string("field '") + name + "' (string) is required"));
    }
    if (*value) *target = std::move(**value);
  }
  auto added = routes_->add(std::move(route));
  if (!added) return error_response(added.error());
  return json_response(201, route_json(*added));
}

ApiResponse RestHandlers::delete_route(std::string_view name) {
  if (routes_ == nullptr) return routing_unavailable();
  if (Status removed = routes_->remove(name); !removed) return error_response(removed.error());
  return ApiResponse{204, ""};
}

ApiResponse RestHandlers::test_route(std::string_view body) {
  if (routes_ == nullptr) return routing_unavailable();
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  auto name = string_field(*request, "name");
  auto condition = string_field(*request, "condition");
  auto projection = string_field(*request, "projection");
  auto device = string_field(*request, "device");
  for (const auto* field : {&name, &condition, &projection, &device}) {
    if (!*field) return error_response(field->error());
  }
  if (name->has_value() == condition->has_value()) {
    return error_response(invalid_request("give either 'name' (a stored route) or 'condition'"));
  }
  if (!device->has_value())
    return error_response(invalid_request("field 'device' (string) is required"));
  const auto data = request->find("data");
  if (data == request->end())
    return error_response(invalid_request("field 'data' (the message's data) is required"));
  std::uint64_t seq = 0;
  if (const auto given = request->find("seq"); given != request->end()) {
    if (!given->is_number_unsigned()) {
      return error_response(invalid_request("field 'seq' must be an unsigned integer"));
    }
    seq = given->get<std::uint64_t>();
  }

  RouteDefinition route;
  if (name->has_value()) {
    auto stored = routes_->find(**name);
    if (!stored) return error_response(stored.error());
    route = stored->definition;
  } else {
    route.condition = **condition;
    route.projection = projection->value_or("");
  }
  auto outcome = routes_->test(route, **device, seq, data->dump());
  if (!outcome) return error_response(outcome.error());
  return json_response(
      200, Json{{"matched", outcome->matched},
                {"stream", route.stream.empty() ? Json(nullptr) : Json(route.stream)},
                {"output", outcome->output ? json_or_text(*outcome->output) : Json(nullptr)},
                {"error", outcome->error ? Json(*outcome->error) : Json(nullptr)},
                {"attributes", json_or_text(outcome->attributes_json)}});
}

}  // namespace edgehub::hub

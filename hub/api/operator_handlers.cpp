#include "api/operator_handlers.h"

#include "api/json_views.h"

namespace edgehub::hub {
namespace {

Json operator_json(const OperatorInfo& info) {
  Json json = {{"name", info.name},
               {"role", std::string(role_name(info.role))},
               {"created_at_ms", info.created_at_ms}};
  if (info.revoked_at_ms) json["revoked_at_ms"] = *info.revoked_at_ms;
  return json;
}

ApiResponse invalid(const std::string& message) {
  return error_response(make_error(ErrorCode::invalid_argument, message));
}

}  // namespace

OperatorHandlers::OperatorHandlers(OperatorStore& store, std::function<std::int64_t()> now_ms)
    : store_(store), now_ms_(std::move(now_ms)) {}

ApiResponse OperatorHandlers::list() const {
  auto operators = store_.list();
  if (!operators) return error_response(operators.error());
  Json list = Json::array();
  for (const OperatorInfo& info : *operators) list.push_back(operator_json(info));
  return ApiResponse{200, Json{{"operators", list}}.dump()};
}

ApiResponse OperatorHandlers::add(std::string_view body) {
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  const auto name = request->find("name");
  const auto role = request->find("role");
  if (name == request->end() || !name->is_string()) return invalid("'name' (a string) is needed");
  if (role == request->end() || !role->is_string()) {
    return invalid("'role' is needed: viewer, operator or admin");
  }
  const auto parsed_role = parse_operator_role(role->get<std::string>());
  if (!parsed_role) {
    return invalid("role '" + role->get<std::string>() + "': must be viewer, operator or admin");
  }
  auto made = store_.add(name->get<std::string>(), *parsed_role, now_ms_());
  if (!made) return error_response(made.error());
  Json json = operator_json(made->info);
  json["token"] = made->token;
  return ApiResponse{201, json.dump()};
}

ApiResponse OperatorHandlers::revoke(std::string_view name) {
  if (Status revoked = store_.revoke(name, now_ms_()); !revoked) {
    return error_response(revoked.error());
  }
  return ApiResponse{204, ""};
}

}  // namespace edgehub::hub

#include "routing/route.h"

#include "streams/new_record_validation.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

Status validate_route_definition(const RouteDefinition& route) {
  auto invalid = [](std::string message) {
    return make_error(ErrorCode::invalid_argument, std::move(message));
  };
  if (!is_valid_stream_name(route.name)) {
    return invalid("route name '" + route.name +
                   "' must be 1-64 of [A-Za-z0-9._-], not starting with '.' or '-'");
  }
  if (!is_valid_stream_name(route.stream)) {
    return invalid("target stream '" + route.stream +
                   "' must be 1-64 of [A-Za-z0-9._-], not starting with '.' or '-'");
  }
  if (route.stream == kTelemetryStream || route.stream == kDeadLetterStream) {
    return invalid("a route cannot feed the '" + route.stream + "' stream");
  }
  if (route.condition.empty()) return invalid("the condition is empty");
  if (route.condition.size() > kMaxRouteExpressionLength ||
      route.projection.size() > kMaxRouteExpressionLength) {
    return invalid("condition and projection are limited to " +
                   std::to_string(kMaxRouteExpressionLength) + " characters");
  }
  return ok_status();
}

}  // namespace edgehub::hub

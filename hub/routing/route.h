// A routing rule: messages of the telemetry stream whose condition holds are
// copied (as is, or projected) into a named stream.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hub {

struct RouteDefinition {
  std::string name;        // 1-64 of [A-Za-z0-9._-], not starting with '.' or '-'
  std::string condition;   // SQL expression, see route_expression.h
  std::string projection;  // SQL expression giving the routed payload; empty: the data as is
  std::string stream;      // target stream (not telemetry or deadletter)
  std::int64_t created_at_ms = 0;
};

// The longest condition or projection accepted (characters).
inline constexpr std::size_t kMaxRouteExpressionLength = 4096;

// invalid_argument naming the field when the name, stream or the lengths are
// not acceptable (the expressions themselves are checked by compiling them).
Status validate_route_definition(const RouteDefinition& route);

}  // namespace edgehub::hub

// THE table of which role each REST route needs (docs/protocol.md 6.1,
// docs/security.md "Operators"): one row per route, keyed by the method and
// the exact pattern the route is registered with. ApiRouter refuses to
// register a route that has no row, and RestServer refuses to start when a
// row names no registered route, so the table and the server cannot drift.
// Pure.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "operators/operator_role.h"

namespace edgehub::hub {

struct RouteRole {
  std::string_view method;   // GET, POST, PATCH, PUT, DELETE
  std::string_view pattern;  // as given to httplib, e.g. R"(/api/v1/devices/([^/]+))"
  Role required = Role::admin;
};

std::span<const RouteRole> route_roles();
const RouteRole* find_route_role(std::string_view method, std::string_view pattern);

// Whether a request for exactly this path is open (a row with Role::none,
// whose pattern has no parameter): no token needed. HEAD counts as GET.
bool is_open_route(std::string_view method, std::string_view path);

// The pattern as people read it: each "([^/]+)" becomes {name}, the name
// taken from the segment before it ("/devices/([^/]+)" -> "/devices/{device}").
std::string route_template(std::string_view pattern);

}  // namespace edgehub::hub

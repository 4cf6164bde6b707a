#include "api/route_roles.h"

#include <array>

namespace edgehub::hub {
namespace {

constexpr Role kOpen = Role::none;
constexpr Role kViewer = Role::viewer;
constexpr Role kOperator = Role::operator_;
constexpr Role kAdmin = Role::admin;

// viewer: every read but the operator list. operator: what acts on devices
// day to day (commands, jobs, twins, consumer offsets, trying a route
// condition). admin: what changes who and what may connect or be stored
// (devices, certificates, CAs, routes, streams' configuration, exports,
// operators); pausing and resuming an export is operator.
constexpr std::array kRouteRoles{
    RouteRole{"GET", "/api/v1/health", kOpen},
    RouteRole{"GET", "/api/v1/whoami", kViewer},
    // Prometheus' path, outside /api/v1: a read like the others.
    RouteRole{"GET", "/metrics", kViewer},
    RouteRole{"GET", "/api/v1/openapi.json", kOpen},
    RouteRole{"GET", "/api/v1/devices", kViewer},
    RouteRole{"POST", "/api/v1/devices", kAdmin},
    RouteRole{"GET", R"(/api/v1/devices/([^/]+))", kViewer},
    RouteRole{"DELETE", R"(/api/v1/devices/([^/]+))", kAdmin},
    RouteRole{"POST", R"(/api/v1/devices/([^/]+)/commands)", kOperator},
    RouteRole{"POST", R"(/api/v1/devices/([^/]+)/disable)", kAdmin},
    RouteRole{"POST", R"(/api/v1/devices/([^/]+)/enable)", kAdmin},
    RouteRole{"GET", R"(/api/v1/devices/([^/]+)/certificates)", kViewer},
    RouteRole{"POST", R"(/api/v1/devices/([^/]+)/certificates)", kAdmin},
    RouteRole{"POST", R"(/api/v1/devices/([^/]+)/certificates/([^/]+)/end)", kAdmin},
    RouteRole{"GET", R"(/api/v1/devices/([^/]+)/twin)", kViewer},
    RouteRole{"PATCH", R"(/api/v1/devices/([^/]+)/twin)", kOperator},
    RouteRole{"GET", "/api/v1/cas", kViewer},
    RouteRole{"POST", "/api/v1/cas", kAdmin},
    RouteRole{"DELETE", R"(/api/v1/cas/([^/]+))", kAdmin},
    RouteRole{"POST", "/api/v1/jobs", kOperator},
    RouteRole{"GET", R"(/api/v1/jobs/([^/]+))", kViewer},
    RouteRole{"GET", "/api/v1/commands", kViewer},
    RouteRole{"GET", R"(/api/v1/commands/([^/]+))", kViewer},
    RouteRole{"POST", R"(/api/v1/commands/([^/]+)/cancel)", kOperator},
    RouteRole{"GET", "/api/v1/streams", kViewer},
    RouteRole{"POST", "/api/v1/streams", kAdmin},
    RouteRole{"GET", R"(/api/v1/streams/([^/]+))", kViewer},
    RouteRole{"PATCH", R"(/api/v1/streams/([^/]+))", kAdmin},
    RouteRole{"GET", R"(/api/v1/streams/([^/]+)/records)", kViewer},
    RouteRole{"GET", R"(/api/v1/streams/([^/]+)/events)", kViewer},
    RouteRole{"GET", R"(/api/v1/streams/([^/]+)/groups)", kViewer},
    RouteRole{"POST", R"(/api/v1/streams/([^/]+)/groups/([^/]+)/commit)", kOperator},
    RouteRole{"GET", "/api/v1/routes", kViewer},
    RouteRole{"POST", "/api/v1/routes", kAdmin},
    RouteRole{"POST", "/api/v1/routes/test", kOperator},
    RouteRole{"DELETE", R"(/api/v1/routes/([^/]+))", kAdmin},
    RouteRole{"GET", "/api/v1/exports", kViewer},
    RouteRole{"POST", "/api/v1/exports", kAdmin},
    RouteRole{"GET", R"(/api/v1/exports/([^/]+))", kViewer},
    RouteRole{"DELETE", R"(/api/v1/exports/([^/]+))", kAdmin},
    RouteRole{"POST", R"(/api/v1/exports/([^/]+)/pause)", kOperator},
    RouteRole{"POST", R"(/api/v1/exports/([^/]+)/resume)", kOperator},
    RouteRole{"GET", "/api/v1/operators", kAdmin},
    RouteRole{"POST", "/api/v1/operators", kAdmin},
    RouteRole{"DELETE", R"(/api/v1/operators/([^/]+))", kAdmin},
};

}  // namespace

std::span<const RouteRole> route_roles() { return kRouteRoles; }

const RouteRole* find_route_role(std::string_view method, std::string_view pattern) {
  for (const RouteRole& row : kRouteRoles) {
    if (row.method == method && row.pattern == pattern) return &row;
  }
  return nullptr;
}

bool is_open_route(std::string_view method, std::string_view path) {
  if (method == "HEAD") method = "GET";
  for (const RouteRole& row : kRouteRoles) {
    if (row.required == Role::none && row.method == method && row.pattern == path) return true;
  }
  return false;
}

std::string route_template(std::string_view pattern) {
  static constexpr std::string_view kSegment = "([^/]+)";
  std::string result;
  std::size_t at = 0;
  for (std::size_t found = pattern.find(kSegment); found != std::string_view::npos;
       found = pattern.find(kSegment, at)) {
    result.append(pattern.substr(at, found - at));
    // The name: the previous segment without its plural "s" ("cas" -> "ca").
    std::string_view before = pattern.substr(0, found);
    if (!before.empty() && before.back() == '/') before.remove_suffix(1);
    std::string_view name = before.substr(before.rfind('/') + 1);
    if (name.size() > 1 && name.back() == 's') name.remove_suffix(1);
    result += "{" + std::string(name) + "}";
    at = found + kSegment.size();
  }
  result.append(pattern.substr(at));
  return result;
}

}  // namespace edgehub::hub

// THE route -> role table (hub/api/route_roles.cpp) and the server's use of
// it: every route the server has is in the table and the other way round.
#include "api/route_roles.h"

#include <doctest/doctest.h>

#include <set>

#include "rest_server_fixture.h"

using namespace edgehub::hub;
using namespace edgehub::test;

TEST_CASE("route_roles_give_reads_to_viewers_and_writes_to_operators_or_admins") {
  const auto role = [](const char* method, const char* pattern) {
    const RouteRole* row = find_route_role(method, pattern);
    REQUIRE(row != nullptr);
    return row->required;
  };
  CHECK(role("GET", "/api/v1/health") == Role::none);
  CHECK(role("GET", "/api/v1/whoami") == Role::viewer);
  CHECK(role("GET", "/api/v1/devices") == Role::viewer);
  CHECK(role("GET", "/metrics") == Role::viewer);
  CHECK(role("GET", R"(/api/v1/streams/([^/]+)/events)") == Role::viewer);
  CHECK(role("POST", R"(/api/v1/devices/([^/]+)/commands)") == Role::operator_);
  CHECK(role("PATCH", R"(/api/v1/devices/([^/]+)/twin)") == Role::operator_);
  CHECK(role("POST", "/api/v1/jobs") == Role::operator_);
  CHECK(role("POST", R"(/api/v1/commands/([^/]+)/cancel)") == Role::operator_);
  CHECK(role("POST", "/api/v1/devices") == Role::admin);
  CHECK(role("DELETE", R"(/api/v1/devices/([^/]+))") == Role::admin);
  CHECK(role("POST", "/api/v1/routes") == Role::admin);
  CHECK(role("POST", "/api/v1/cas") == Role::admin);
  CHECK(role("GET", "/api/v1/operators") == Role::admin);
  CHECK(role("POST", "/api/v1/operators") == Role::admin);
  CHECK(role("GET", "/api/v1/exports") == Role::viewer);
  CHECK(role("GET", R"(/api/v1/exports/([^/]+))") == Role::viewer);
  CHECK(role("POST", R"(/api/v1/exports/([^/]+)/pause)") == Role::operator_);
  CHECK(role("POST", R"(/api/v1/exports/([^/]+)/resume)") == Role::operator_);
  CHECK(role("POST", "/api/v1/exports") == Role::admin);
  CHECK(role("DELETE", R"(/api/v1/exports/([^/]+))") == Role::admin);
  CHECK(find_route_role("GET", "/api/v1/nothing") == nullptr);
  // Every write needs more than a viewer; only the health check and the API
  // description are open.
  std::set<std::string_view> open;
  for (const RouteRole& row : route_roles()) {
    if (row.method != "GET") CHECK(row.required >= Role::operator_);
    if (row.required == Role::none) open.insert(row.pattern);
  }
  CHECK(open == std::set<std::string_view>{"/api/v1/health", "/api/v1/openapi.json"});
  CHECK(is_open_route("GET", "/api/v1/openapi.json"));
  CHECK(is_open_route("HEAD", "/api/v1/health"));
  CHECK_FALSE(is_open_route("POST", "/api/v1/health"));
  CHECK_FALSE(is_open_route("GET", "/api/v1/devices"));
  CHECK_FALSE(is_open_route("GET", "/api/v1/health/x"));
}

TEST_CASE("route_roles_have_one_row_per_route") {
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const RouteRole& row : route_roles()) CHECK(seen.emplace(row.method, row.pattern).second);
}

TEST_CASE("route_template_names_each_path_segment_after_its_collection") {
  CHECK(route_template("/api/v1/devices") == "/api/v1/devices");
  CHECK(route_template(R"(/api/v1/devices/([^/]+)/commands)") ==
        "/api/v1/devices/{device}/commands");
  CHECK(route_template(R"(/api/v1/streams/([^/]+)/groups/([^/]+)/commit)") ==
        "/api/v1/streams/{stream}/groups/{group}/commit");
  CHECK(route_template(R"(/api/v1/cas/([^/]+))") == "/api/v1/cas/{ca}");
  CHECK(route_template(R"(/api/v1/exports/([^/]+)/pause)") == "/api/v1/exports/{export}/pause");
}

TEST_CASE_FIXTURE(ServerFixture, "the_server_has_exactly_the_routes_of_the_role_table") {
  const auto served = server.routes();
  CHECK(served.size() == route_roles().size());
  std::set<std::pair<std::string_view, std::string_view>> routes;
  for (const RouteRole& row : served) routes.emplace(row.method, row.pattern);
  for (const RouteRole& row : route_roles()) CHECK(routes.count({row.method, row.pattern}) == 1);
}

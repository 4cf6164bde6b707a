// Operators' roles and the audit over a real loopback socket: 401 for an
// unknown or revoked token, 403 naming the role needed, and one audit entry
// for every write a route answered.
#include <doctest/doctest.h>
#include <httplib.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "rest_server_fixture.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace edgehub::test;
using nlohmann::json;

namespace {

struct Operators {
  std::mutex mutex;
  std::set<std::string> revoked;
  std::vector<AuditEntry> audit;
};

RestServerSettings settings_with_roles(Operators& operators) {
  RestServerSettings settings = small_server_settings();
  settings.authenticate = [&operators](std::string_view token) -> std::optional<OperatorIdentity> {
    std::lock_guard lock(operators.mutex);
    if (operators.revoked.count(std::string(token)) > 0) return std::nullopt;
    if (token == "viewer-token") return OperatorIdentity{"vera", Role::viewer};
    if (token == "operator-token") return OperatorIdentity{"otto", Role::operator_};
    if (token == "admin-token") return OperatorIdentity{"ada", Role::admin};
    return std::nullopt;
  };
  settings.audit = [&operators](const AuditEntry& entry) {
    std::lock_guard lock(operators.mutex);
    operators.audit.push_back(entry);
  };
  return settings;
}

struct RolesFixture {
  Operators operators;
  ServerFixture fixture{settings_with_roles(operators)};
  httplib::Headers as(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }
};

}  // namespace

TEST_CASE_FIXTURE(RolesFixture, "a_viewer_reads_but_is_refused_a_command_with_the_role_needed") {
  auto http = fixture.client();
  auto devices = http.Get("/api/v1/devices", as("viewer-token"));
  REQUIRE(devices);
  CHECK(devices->status == 200);
  auto command = http.Post("/api/v1/devices/d1/commands", as("viewer-token"), R"({"name":"ping"})",
                           "application/json");
  REQUIRE(command);
  CHECK(command->status == 403);
  const auto body = json::parse(command->body);
  CHECK(body["required_role"] == "operator");
  CHECK(body["error"]["code"] == "forbidden");
  auto operators_list = http.Get("/api/v1/operators", as("operator-token"));
  REQUIRE(operators_list);
  CHECK(operators_list->status == 403);
  CHECK(json::parse(operators_list->body)["required_role"] == "admin");
}

TEST_CASE_FIXTURE(RolesFixture,
                  "an_operator_passes_the_role_check_of_a_command_an_admin_adds_devices") {
  auto http = fixture.client();
  auto command = http.Post("/api/v1/devices/d1/commands", as("operator-token"),
                           R"({"name":"ping"})", "application/json");
  REQUIRE(command);
  CHECK(command->status == 404);  // no such device: the handler ran
  auto refused =
      http.Post("/api/v1/devices", as("operator-token"), R"({"id":"d2"})", "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 403);
  auto created =
      http.Post("/api/v1/devices", as("admin-token"), R"({"id":"d2"})", "application/json");
  REQUIRE(created);
  CHECK(created->status == 201);
}

TEST_CASE_FIXTURE(RolesFixture, "a_revoked_token_is_refused_from_the_next_request_on") {
  auto http = fixture.client();
  REQUIRE(http.Get("/api/v1/devices", as("operator-token"))->status == 200);
  {
    std::lock_guard lock(operators.mutex);
    operators.revoked.insert("operator-token");
  }
  auto after = http.Get("/api/v1/devices", as("operator-token"));
  REQUIRE(after);
  CHECK(after->status == 401);
}

TEST_CASE_FIXTURE(RolesFixture,
                  "every_write_is_audited_with_who_what_and_the_status_reads_are_not") {
  auto http = fixture.client();
  REQUIRE(http.Get("/api/v1/devices", as("admin-token")));
  REQUIRE(http.Post("/api/v1/devices/d1/commands", as("viewer-token"), R"({"name":"ping"})",
                    "application/json"));
  REQUIRE(http.Post("/api/v1/devices", as("admin-token"), R"({"id":"d3"})", "application/json"));
  REQUIRE(http.Delete("/api/v1/devices/d3", as("admin-token")));
  std::lock_guard lock(operators.mutex);
  REQUIRE(operators.audit.size() == 3);
  CHECK(operators.audit[0].operator_name == "vera");
  CHECK(operators.audit[0].role == Role::viewer);
  CHECK(operators.audit[0].method == "POST");
  CHECK(operators.audit[0].route == "/api/v1/devices/{device}/commands");
  CHECK(operators.audit[0].target == "d1");
  CHECK(operators.audit[0].status == 403);
  CHECK(operators.audit[0].at_ms > 0);
  CHECK(operators.audit[1].operator_name == "ada");
  CHECK(operators.audit[1].status == 201);
  CHECK(operators.audit[2].method == "DELETE");
  CHECK(operators.audit[2].path == "/api/v1/devices/d3");
  CHECK(operators.audit[2].status == 204);
}

TEST_CASE_FIXTURE(RolesFixture, "metrics_are_a_read_for_viewers_and_need_a_token") {
  auto http = fixture.client();
  auto early = http.Get("/metrics", as("viewer-token"));
  REQUIRE(early);
  CHECK(early->status == 503);  // hubd has not handed its metrics over yet

  MetricsRegistry metrics;
  metrics.counter("edgehub_test_total", "A test counter").increment(3);
  fixture.handlers.set_metrics(metrics);
  auto scrape = http.Get("/metrics", as("viewer-token"));
  REQUIRE(scrape);
  CHECK(scrape->status == 200);
  CHECK(scrape->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(scrape->body.find("\nedgehub_test_total 3\n") != std::string::npos);
  auto anonymous = http.Get("/metrics");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);
  auto unknown = http.Get("/metrics", as("stolen-token"));
  REQUIRE(unknown);
  CHECK(unknown->status == 401);
}

// The web console over a real loopback socket: its files need no token and
// carry the console's headers, GET /api/v1/whoami names each role, and the
// event stream's ?device= filter sends that device's records only.
#include <doctest/doctest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "device_records.h"
#include "rest_server_fixture.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace edgehub::test;
using nlohmann::json;

namespace {

RestServerSettings settings_with_roles() {
  RestServerSettings settings = small_server_settings();
  settings.authenticate = [](std::string_view token) -> std::optional<OperatorIdentity> {
    if (token == "viewer-token") return OperatorIdentity{"vera", Role::viewer};
    if (token == "operator-token") return OperatorIdentity{"otto", Role::operator_};
    if (token == "admin-token") return OperatorIdentity{"ada", Role::admin};
    return std::nullopt;
  };
  return settings;
}

httplib::Headers as(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

}  // namespace

TEST_CASE_FIXTURE(ServerFixture, "console_files_are_served_without_a_token_with_strict_headers") {
  auto http = client();
  auto root = http.Get("/");
  REQUIRE(root);
  CHECK(root->status == 302);
  CHECK(root->get_header_value("Location") == "/console/");

  auto page = http.Get("/console/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(page->body.find("<!doctype html>") != std::string::npos);
  const std::string policy = page->get_header_value("Content-Security-Policy");
  CHECK(policy.find("script-src 'self'") != std::string::npos);
  CHECK(policy.find("unsafe-inline") == std::string::npos);
  CHECK(policy.find("unsafe-eval") == std::string::npos);
  CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(page->get_header_value("Cache-Control") == "no-cache");

  auto script = http.Get("/console/js/app.js");
  REQUIRE(script);
  CHECK(script->status == 200);
  CHECK(script->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  const std::string etag = script->get_header_value("ETag");
  REQUIRE_FALSE(etag.empty());
  auto again = http.Get("/console/js/app.js", {{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());

  auto missing = http.Get("/console/nothing.js");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(json::parse(missing->body)["error"]["code"] == "not_found");
}

TEST_CASE_FIXTURE(ServerFixture, "the_console_paths_open_nothing_else") {
  auto http = client();
  // A body to a console path without a token: refused before it is read.
  auto post = http.Post("/console/", "{}", "application/json");
  REQUIRE(post);
  CHECK(post->status == 401);
  auto api = http.Get("/api/v1/devices");
  REQUIRE(api);
  CHECK(api->status == 401);
  auto whoami = http.Get("/api/v1/whoami");
  REQUIRE(whoami);
  CHECK(whoami->status == 401);
}

TEST_CASE("whoami_names_the_operator_and_role_of_each_token") {
  ServerFixture fixture(settings_with_roles());
  auto http = fixture.client();
  for (const auto& [token, name, role] : {std::tuple{"viewer-token", "vera", "viewer"},
                                          std::tuple{"operator-token", "otto", "operator"},
                                          std::tuple{"admin-token", "ada", "admin"}}) {
    CAPTURE(token);
    auto answer = http.Get("/api/v1/whoami", as(token));
    REQUIRE(answer);
    CHECK(answer->status == 200);
    const auto body = json::parse(answer->body);
    CHECK(body["name"] == name);
    CHECK(body["role"] == role);
  }
  auto unknown = http.Get("/api/v1/whoami", as("nobody"));
  REQUIRE(unknown);
  CHECK(unknown->status == 401);
}

TEST_CASE_FIXTURE(ServerFixture, "the_event_stream_of_one_device_skips_the_others_records") {
  append_device_records(streams, {"d1", "d2", "d2", "d1", "d2", "d1"});
  auto http = client();
  std::string events;
  // Ends the stream once the third event of d1 arrived (or on the timeout).
  auto answer =
      http.Get("/api/v1/streams/telemetry/events?from=0&device=d1", authorized(),
               [&](const char* data, std::size_t length) {
                 events.append(data, length);
                 std::size_t count = 0;
                 for (std::size_t at = events.find("event: record"); at != std::string::npos;
                      at = events.find("event: record", at + 1)) {
                   ++count;
                 }
                 return count < 3;
               });
  CHECK(events.find("id: 0\n") != std::string::npos);
  CHECK(events.find("id: 3\n") != std::string::npos);
  CHECK(events.find("id: 5\n") != std::string::npos);
  CHECK(events.find("\"device\":\"d2\"") == std::string::npos);
  CHECK(events.find("\"device\": \"d2\"") == std::string::npos);
  CHECK(events.find("d1") != std::string::npos);

  auto empty = http.Get("/api/v1/streams/telemetry/events?device=", authorized());
  REQUIRE(empty);
  CHECK(empty->status == 400);
}

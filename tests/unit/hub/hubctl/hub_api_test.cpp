#include "hubctl/hub_api.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "fake_transport.h"

using namespace edgehub::hubctl;
using namespace std::chrono_literals;
using testing::FakeTransport;

TEST_CASE("every request carries the bearer token and the HTTP timeout") {
  FakeTransport transport;
  transport.answer(200, R"({"devices": []})");
  HubApi api(transport, "s3cr3t", 7s);
  CHECK(api.list_devices().ok());
  REQUIRE(transport.requests.size() == 1);
  const HttpRequest& request = transport.requests[0];
  CHECK(request.method == "GET");
  CHECK(request.path == "/api/v1/devices");
  CHECK(request.timeout == 7s);
  CHECK(std::find(request.headers.begin(), request.headers.end(),
                  std::pair<std::string, std::string>{"Authorization", "Bearer s3cr3t"}) !=
        request.headers.end());
}

TEST_CASE("a command is posted with timeout_ms and the HTTP wait exceeds it") {
  FakeTransport transport;
  transport.answer(200, R"({"status": 200})");
  HubApi api(transport, "t", 10s);
  CHECK(api.send_command("boiler-1", "set-interval", {{"interval_ms", 500}}, 30s).ok());
  const HttpRequest& request = transport.requests.at(0);
  CHECK(request.method == "POST");
  CHECK(request.path == "/api/v1/devices/boiler-1/commands");
  CHECK(nlohmann::json::parse(*request.json_body) ==
        nlohmann::json{
            {"name", "set-interval"}, {"payload", {{"interval_ms", 500}}}, {"timeout_ms", 30000}});
  CHECK(request.timeout > 30s);
}

TEST_CASE("devices are added with attributes only when some are given") {
  FakeTransport transport;
  transport.answer(201, "{}");
  transport.answer(201, "{}");
  HubApi api(transport, "t", 10s);
  (void)api.add_device("boiler-1", nlohmann::json::object());
  (void)api.add_device("boiler-2", {{"room", "cellar"}});
  CHECK(nlohmann::json::parse(*transport.requests[0].json_body) ==
        nlohmann::json{{"id", "boiler-1"}});
  CHECK(nlohmann::json::parse(*transport.requests[1].json_body) ==
        nlohmann::json{{"id", "boiler-2"}, {"attributes", {{"room", "cellar"}}}});
}

TEST_CASE("stream reads ask for an offset and a limit, with the name encoded") {
  FakeTransport transport;
  transport.answer(200, R"({"records": []})");
  HubApi api(transport, "t", 10s);
  (void)api.read_stream("dead letter/x", 41, 5);
  CHECK(transport.requests.at(0).path ==
        "/api/v1/streams/dead%20letter%2Fx/records?from=41&limit=5");
}

TEST_CASE("an API error answer yields its code and message") {
  const ApiResult result = interpret_answer(
      {404, R"({"error": {"code": "not_found", "message": "device 'x' is not registered"}})"});
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().kind == ApiFailure::Kind::http_error);
  CHECK(result.failure().http_status == 404);
  CHECK(result.failure().code == "not_found");
  CHECK(result.failure().message == "device 'x' is not registered");
}

TEST_CASE("an error answer without the error shape still reports its status") {
  const ApiResult result = interpret_answer({502, "<html>bad gateway</html>"});
  REQUIRE_FALSE(result.ok());
  CHECK(result.failure().http_status == 502);
  CHECK(result.failure().message.empty());
  CHECK(describe_failure(result.failure(), "http://h:1") == "the hub answered HTTP 502");
}

TEST_CASE("204 is a success without a body; a 200 without JSON is a bad answer") {
  CHECK(interpret_answer({204, ""}).ok());
  CHECK(interpret_answer({204, ""}).body().is_null());
  const ApiResult garbage = interpret_answer({200, "not json"});
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.failure().kind == ApiFailure::Kind::bad_answer);
}

TEST_CASE("an unreachable hub is described with its URL") {
  FakeTransport transport;
  transport.unreachable("connection refused or host unreachable");
  HubApi api(transport, "t", 10s);
  const ApiResult result = api.list_streams();
  REQUIRE_FALSE(result.ok());
  CHECK(describe_failure(result.failure(), "http://127.0.0.1:8080") ==
        "cannot reach the hub at http://127.0.0.1:8080: connection refused or host unreachable"
        " (is hubd running? set --hub or HUBCTL_URL)");
}

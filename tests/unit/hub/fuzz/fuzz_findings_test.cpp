// What the hub fuzz targets found (tests/unit/hub/fuzz/), kept as plain unit
// tests that run with the g++ build: each input once crashed or wedged hubd.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "api/json_views.h"
#include "edgehub/protocol/payloads.h"
#include "routing/route_expression.h"

using namespace edgehub;
using namespace edgehub::hub;

TEST_CASE("a number too large for a double is refused as invalid JSON, not thrown") {
  // nlohmann throws out_of_range (406), not parse_error, for 1e999999: the
  // exception left the ingest thread (hubd terminated, and again at every
  // restart on the journaled message).
  for (const char* payload :
       {R"({"seq":3,"data":1e999999})", R"({"batch":[{"seq":1,"data":-1e999999}]})"}) {
    auto message = protocol::parse_telemetry_message(payload);
    REQUIRE_FALSE(message.ok());
    CHECK(message.error().code == ErrorCode::invalid_argument);
    CHECK(message.error().message.find("number overflow") != std::string::npos);
  }
  auto response = protocol::parse_command_response(R"({"id":"c-1","status":200,"payload":1e400})");
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == ErrorCode::invalid_argument);

  // The same in a REST body: a 400 that says why (was a 500 from httplib's
  // exception handler).
  auto body = parse_json_object_body(R"({"id":"boiler-9","attributes":{"x":1e999999}})");
  REQUIRE_FALSE(body.ok());
  CHECK(body.error().code == ErrorCode::invalid_argument);
}

TEST_CASE("a route expression cannot call printf or format") {
  // printf('%.*c', 2147483647, 'x') ran for seconds inside one SQLite step,
  // where no work budget reaches: a route could wedge ingest.
  RouteEngine engine;
  for (const char* condition :
       {"length(printf('%.*c', 2147483647, 'x')) > 0", "length(format('%.*c', $.n, 'x')) > 0"}) {
    auto compiled = engine.compile(condition, "");
    REQUIRE_FALSE(compiled.ok());
    CHECK(compiled.error().message.find("is not allowed") != std::string::npos);
  }
}

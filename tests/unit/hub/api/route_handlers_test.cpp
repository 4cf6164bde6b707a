// The route endpoints without a socket: add (refused with SQLite's message
// when it does not compile), list, remove, test against a sample message.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "in_memory_rest_handlers.h"
#include "routing/route_store.h"
#include "routing/route_table.h"

using namespace edgehub;
using namespace edgehub::hub;
using nlohmann::json;

namespace {

struct RouteFixture : InMemoryRestHandlers {
  std::unique_ptr<RouteStore> route_store = make_memory_route_store();
  RouteTable routes{*route_store, [](std::string_view device) {
                      return device == "boiler-1" ? std::string(R"js({"room":"cellar"})js")
                                                  : std::string("{}");
                    }};

  RouteFixture() { handlers.set_routes(routes); }
};

json body_of(const ApiResponse& response) { return json::parse(response.body); }

}  // namespace

TEST_CASE("route endpoints answer 503 while routing is not enabled") {
  RouteFixture fixture;
  RestHandlers bare{RestDependencies{
      fixture.registry, fixture.streams, fixture.commands, fixture.enrollment, {}, "0.1.0"}};
  CHECK(bare.list_routes().status == 503);
}

TEST_CASE_FIXTURE(RouteFixture, "a route is added, listed with counters, and removed") {
  const auto added = handlers.add_route(
      R"js({"name": "hot", "condition": "$.t > 30", "projection": "json_object('t', $.t)", "stream": "hot-stream"})js");
  REQUIRE(added.status == 201);
  CHECK(body_of(added)["name"] == "hot");
  CHECK(body_of(added)["projection"] == "json_object('t', $.t)");
  const auto listed = body_of(handlers.list_routes());
  REQUIRE(listed["routes"].size() == 1);
  CHECK(listed["routes"][0]["stream"] == "hot-stream");
  CHECK(listed["routes"][0]["matched"] == 0);
  CHECK(handlers.add_route(R"js({"name": "hot", "condition": "1", "stream": "x"})js").status ==
        409);
  CHECK(handlers.delete_route("hot").status == 204);
  CHECK(handlers.delete_route("hot").status == 404);
  CHECK(body_of(handlers.list_routes())["routes"].empty());
}

TEST_CASE_FIXTURE(RouteFixture, "a route that does not compile is refused with SQLite's message") {
  const auto refused =
      handlers.add_route(R"js({"name": "bad", "condition": "$.t >", "stream": "x"})js");
  CHECK(refused.status == 400);
  CHECK(body_of(refused)["error"]["code"] == "invalid_argument");
  CHECK(body_of(refused)["error"]["message"].get<std::string>().find("syntax error") !=
        std::string::npos);
  CHECK(handlers.add_route(R"js({"name": "bad", "stream": "x"})js").status == 400);
  CHECK(handlers.add_route("not json").status == 400);
}

TEST_CASE_FIXTURE(RouteFixture, "test shows the match and the projected output with attributes") {
  const auto tested = handlers.test_route(
      R"js({"condition": "$.t > 30 AND attributes.$.room = 'cellar'",
          "projection": "json_object('t', $.t, 'room', attributes.$.room)",
          "device": "boiler-1", "data": {"t": 31}})js");
  REQUIRE(tested.status == 200);
  const auto body = body_of(tested);
  CHECK(body["matched"] == true);
  CHECK(body["output"] == json{{"t", 31}, {"room", "cellar"}});
  CHECK(body["error"].is_null());
  const auto missing = body_of(handlers.test_route(
      R"js({"condition": "$.humidity > 30", "device": "boiler-1", "data": {"t": 31}})js"));
  CHECK(missing["matched"] == false);
  CHECK(missing["output"].is_null());
  const auto failing = body_of(handlers.test_route(
      R"js({"condition": "1", "projection": "json($.s)", "device": "d", "data": {"s": "x"}})js"));
  CHECK(failing["error"].get<std::string>().find("malformed JSON") != std::string::npos);
  CHECK(handlers.test_route(R"js({"name": "nope", "device": "d", "data": {}})js").status == 404);
  CHECK(handlers.test_route(R"js({"condition": "1", "data": {}})js").status == 400);
}

TEST_CASE_FIXTURE(RouteFixture, "route bodies nested 100,000 deep are a 400 naming the depth") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  for (const ApiResponse& response :
       {handlers.add_route(R"({"name":"x","condition":"1","stream":"s","extra":)" + deep + "}"),
        handlers.test_route(R"({"condition":"1","device":"boiler-1","data":)" + deep + "}")}) {
    CHECK(response.status == 400);
    CHECK(body_of(response)["error"]["message"] ==
          "request body: JSON nested deeper than 32 levels");
  }
  CHECK(body_of(handlers.list_routes())["routes"].empty());
}

TEST_CASE_FIXTURE(RouteFixture, "a projection that builds JSON too deep to show is shown as text") {
  // SQLite builds the output, not the operator's body: 300 levels of arrays
  // (built by replace(): printf and zeroblob are refused in routes).
  const auto tested = handlers.test_route(
      R"js({"condition":"1","projection":"replace(replace('[[[', '[', '[[[[[[[[[['), '[', '[[[[[[[[[[') || replace(replace(']]]', ']', ']]]]]]]]]]'), ']', ']]]]]]]]]]')","device":"boiler-1","data":{}})js");
  REQUIRE(tested.status == 200);
  const json body = body_of(tested);
  CHECK(body["output"] == std::string(300, '[') + std::string(300, ']'));
}

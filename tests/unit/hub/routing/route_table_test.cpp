#include "routing/route_table.h"

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>

using namespace edgehub;
using namespace edgehub::hub;

namespace {

struct Fixture {
  std::unique_ptr<RouteStore> store = make_memory_route_store();
  std::map<std::string, std::string> registry{{"boiler-1", R"({"room":"cellar"})"}};
  int lookups = 0;
  AttributeLookup lookup = [this](std::string_view device) {
    ++lookups;
    const auto found = registry.find(std::string(device));
    return found == registry.end() ? std::string("{}") : found->second;
  };
  RouteTableSettings settings{std::chrono::milliseconds(60000), [] { return std::int64_t{1234}; }};
};

RouteDefinition hot_boilers() {
  return RouteDefinition{"hot-boilers", "$.temperature > 30 AND device LIKE 'boiler-%'",
                         "json_object('t', $.temperature, 'room', attributes.$.room)", "hot", 0};
}

RouteMessage message(std::string_view device, std::string_view data) {
  return RouteMessage{device, 7, 1000, data, "{}"};
}

}  // namespace

TEST_CASE("a matching message is copied to the route's stream, projected and enriched") {
  Fixture fixture;
  RouteTable table(*fixture.store, fixture.lookup, fixture.settings);
  REQUIRE(table.add(hot_boilers()).ok());
  const auto outcome = table.route(message("boiler-1", R"({"temperature": 35})"));
  REQUIRE(outcome.copies.size() == 1);
  CHECK(outcome.copies[0].stream == "hot");
  CHECK(outcome.copies[0].route == "hot-boilers");
  CHECK(outcome.copies[0].payload == R"({"t":35,"room":"cellar"})");
  CHECK(outcome.failures.empty());
  CHECK(table.route(message("boiler-1", R"({"temperature": 20})")).copies.empty());
  CHECK(table.route(message("pump-1", R"({"temperature": 35})")).copies.empty());
  const auto listed = table.list();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].matched == 1);
  CHECK(listed[0].definition.created_at_ms == 1234);
}

TEST_CASE("attributes are looked up once per device while cached, and again when forgotten") {
  Fixture fixture;
  RouteTable table(*fixture.store, fixture.lookup, fixture.settings);
  REQUIRE(table.add(hot_boilers()).ok());
  for (int i = 0; i < 5; ++i) (void)table.route(message("boiler-1", R"({"temperature": 35})"));
  CHECK(fixture.lookups == 1);
  fixture.registry["boiler-1"] = R"({"room":"attic"})";
  table.forget_attributes("boiler-1");
  const auto outcome = table.route(message("boiler-1", R"({"temperature": 35})"));
  CHECK(fixture.lookups == 2);
  REQUIRE(outcome.copies.size() == 1);
  CHECK(outcome.copies[0].payload == R"({"t":35,"room":"attic"})");
}

TEST_CASE("a route that does not compile is refused and not stored") {
  Fixture fixture;
  RouteTable table(*fixture.store, fixture.lookup, fixture.settings);
  RouteDefinition broken = hot_boilers();
  broken.condition = "$.temperature >>> 3";
  const auto added = table.add(broken);
  REQUIRE_FALSE(added.ok());
  CHECK(added.error().code == ErrorCode::invalid_argument);
  CHECK(added.error().message.find("syntax error") != std::string::npos);
  CHECK(table.empty());
  CHECK(fixture.store->list()->empty());
}

TEST_CASE("route names are unique and routes cannot feed telemetry or deadletter") {
  Fixture fixture;
  RouteTable table(*fixture.store, fixture.lookup, fixture.settings);
  REQUIRE(table.add(hot_boilers()).ok());
  CHECK(table.add(hot_boilers()).error().code == ErrorCode::conflict);
  RouteDefinition loop = hot_boilers();
  loop.name = "loop";
  loop.stream = "telemetry";
  CHECK(table.add(loop).error().code == ErrorCode::invalid_argument);
  RouteDefinition bad_name = hot_boilers();
  bad_name.name = "no spaces";
  CHECK(table.add(bad_name).error().code == ErrorCode::invalid_argument);
}

TEST_CASE("a failing evaluation is reported for its route and counted; others still route") {
  Fixture fixture;
  RouteTable table(*fixture.store, fixture.lookup, fixture.settings);
  REQUIRE(table.add(RouteDefinition{"a-broken", "1", "json($.unit)", "broken", 0}).ok());
  REQUIRE(table.add(RouteDefinition{"b-all", "1", "", "all", 0}).ok());
  const auto outcome = table.route(message("boiler-1", R"({"unit": "C"})"));
  REQUIRE(outcome.failures.size() == 1);
  CHECK(outcome.failures[0].route == "a-broken");
  CHECK(outcome.failures[0].message.find("malformed JSON") != std::string::npos);
  REQUIRE(outcome.copies.size() == 1);
  CHECK(outcome.copies[0].stream == "all");
  CHECK(table.find("a-broken")->errors == 1);
}

TEST_CASE("routes survive a restart through their store; removed ones do not") {
  Fixture fixture;
  {
    RouteTable table(*fixture.store, fixture.lookup, fixture.settings);
    REQUIRE(table.add(hot_boilers()).ok());
    REQUIRE(table.add(RouteDefinition{"other", "1", "", "all", 0}).ok());
    REQUIRE(table.remove("other").ok());
    CHECK(table.remove("other").error().code == ErrorCode::not_found);
  }
  RouteTable reopened(*fixture.store, fixture.lookup, fixture.settings);
  const auto listed = reopened.list();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].definition.name == "hot-boilers");
  CHECK(reopened.route(message("boiler-1", R"({"temperature": 99})")).copies.size() == 1);
}

TEST_CASE("test shows whether a rule matches a sample and what it would route") {
  Fixture fixture;
  RouteTable table(*fixture.store, fixture.lookup, fixture.settings);
  const auto hot = table.test(hot_boilers(), "boiler-1", 1, R"({"temperature": 31})");
  REQUIRE(hot.ok());
  CHECK(hot->matched);
  CHECK(hot->output == R"({"t":31,"room":"cellar"})");
  const auto cold = table.test(hot_boilers(), "boiler-1", 1, R"({"temperature": 3})");
  REQUIRE(cold.ok());
  CHECK_FALSE(cold->matched);
  CHECK_FALSE(cold->output.has_value());
  RouteDefinition broken = hot_boilers();
  broken.condition = "$.temperature >";
  CHECK(table.test(broken, "boiler-1", 1, "{}").error().message.find("syntax error") !=
        std::string::npos);
  CHECK(table.empty());
}

namespace {

std::string slow_message() {
  return R"({"text": ")" + std::string(256 * 1024, 'a') + R"(", "pattern": "%)" +
         std::string(98, 'a') + R"(b"})";
}

std::string many_slow_matches() {
  std::string condition = "$.text LIKE $.pattern";
  for (int i = 0; i < 20; ++i) condition += " OR $.text LIKE $.pattern";
  return condition;
}

}  // namespace

TEST_CASE("a route over its time budget is skipped and reported; others still route") {
  Fixture fixture;
  fixture.settings.time_budget = std::chrono::milliseconds(20);
  RouteTable table(*fixture.store, fixture.lookup, fixture.settings);
  REQUIRE(table.add(RouteDefinition{"a-slow", many_slow_matches(), "", "slow", 0}).ok());
  REQUIRE(table.add(RouteDefinition{"b-all", "1", "", "all", 0}).ok());
  const std::string data = slow_message();
  const auto outcome = table.route(message("boiler-1", data));
  REQUIRE(outcome.failures.size() == 1);
  CHECK(outcome.failures[0].route == "a-slow");
  CHECK(outcome.failures[0].over_budget);
  REQUIRE(outcome.copies.size() == 1);
  CHECK(outcome.copies[0].stream == "all");
  const auto status = table.find("a-slow");
  CHECK(status->overruns == 1);
  CHECK_FALSE(status->disabled_reason.has_value());
}

TEST_CASE("a route over its budget on many messages in a row is disabled, with the reason") {
  Fixture fixture;
  fixture.settings.time_budget = std::chrono::milliseconds(5);
  fixture.settings.overruns_before_disable = 3;
  RouteTable table(*fixture.store, fixture.lookup, fixture.settings);
  REQUIRE(table.add(RouteDefinition{"slow", many_slow_matches(), "", "slow", 0}).ok());
  const std::string data = slow_message();
  // An overrun, then a message it handles in time: the count starts again.
  CHECK(table.route(message("boiler-1", data)).failures.size() == 1);
  CHECK(table.route(message("boiler-1", R"({"text": "x"})")).failures.empty());
  for (int i = 0; i < 3; ++i) CHECK(table.route(message("boiler-1", data)).failures.size() == 1);
  const auto status = table.find("slow");
  REQUIRE(status->disabled_reason.has_value());
  CHECK(status->disabled_reason->find("exceeded its time budget on 3 messages in a row") !=
        std::string::npos);
  CHECK(status->overruns == 4);
  // Disabled: not evaluated any more (no cost, no failure, no copy).
  const auto start = std::chrono::steady_clock::now();
  const auto outcome = table.route(message("boiler-1", data));
  CHECK(outcome.failures.empty());
  CHECK(outcome.copies.empty());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(5));
  // Added again, it runs again.
  REQUIRE(table.remove("slow").ok());
  REQUIRE(table.add(RouteDefinition{"slow", many_slow_matches(), "", "slow", 0}).ok());
  CHECK_FALSE(table.find("slow")->disabled_reason.has_value());
}

TEST_CASE("a condition already over its budget or a limit on an empty message is refused") {
  Fixture fixture;
  fixture.settings.time_budget = std::chrono::milliseconds(20);
  RouteTable table(*fixture.store, fixture.lookup, fixture.settings);
  // A constant pattern over the limit fails for every message.
  auto too_long = table.add(
      RouteDefinition{"long-pattern", "device LIKE '%" + std::string(200, 'a') + "b'", "", "s", 0});
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.error().code == ErrorCode::invalid_argument);
  CHECK(too_long.error().message.find("trial run") != std::string::npos);
  // Slow whatever the message says (200,000 a's built by replace(): printf
  // is not allowed in routes).
  std::string long_text = "'" + std::string(20, 'a') + "'";
  for (int i = 0; i < 4; ++i) long_text = "replace(" + long_text + ", 'a', 'aaaaaaaaaa')";
  const std::string slow_match = long_text + " LIKE '%" + std::string(98, 'a') + "b'";
  std::string slow = slow_match;
  for (int i = 0; i < 10; ++i) slow += " OR " + slow_match;
  auto heavy = table.add(RouteDefinition{"heavy", slow, "", "s", 0});
  REQUIRE_FALSE(heavy.ok());
  CHECK(heavy.error().message.find("exceeded its budget") != std::string::npos);
  CHECK(table.list().empty());  // neither was stored
}

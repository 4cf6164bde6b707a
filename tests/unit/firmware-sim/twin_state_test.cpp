// A simulated device's twin: what it applies from desired, and what it reports.
#include "twin_state.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace edgehub::sim;
using nlohmann::json;

TEST_CASE("desired interval_ms changes the telemetry interval; other keys are kept") {
  TwinState twin(1000);
  const auto result = twin.apply(1, R"({"interval_ms":500,"mode":"eco","limits":{"max":3}})");
  REQUIRE(result);
  CHECK(result->new_interval_ms == 500u);
  CHECK_FALSE(result->interval_refused);
  CHECK(twin.interval_ms() == 500);
  CHECK(twin.applied_version() == 1);
  CHECK(twin.properties() == json{{"interval_ms", 500}, {"mode", "eco"}, {"limits", {{"max", 3}}}});
}

TEST_CASE("the first report carries every property the device holds") {
  TwinState twin(1000);
  REQUIRE(twin.apply(3, R"({"mode":"eco"})"));
  CHECK(json::parse(twin.report_patch()) == json{{"interval_ms", 1000}, {"mode", "eco"}});
}

TEST_CASE("later reports carry only what changed, and null for keys no longer desired") {
  TwinState twin(1000);
  REQUIRE(twin.apply(1, R"({"interval_ms":500,"mode":"eco","colour":"red"})"));
  twin.mark_reported();
  REQUIRE(twin.apply(2, R"({"interval_ms":500,"mode":"boost"})"));
  CHECK(json::parse(twin.report_patch()) == json{{"mode", "boost"}, {"colour", nullptr}});
  twin.mark_reported();
  CHECK(json::parse(twin.report_patch()) == json::object());
}

TEST_CASE("after a lost connection the next report carries everything again") {
  TwinState twin(1000);
  REQUIRE(twin.apply(1, R"({"mode":"eco"})"));
  twin.mark_reported();
  twin.forget_reported();
  CHECK(json::parse(twin.report_patch()) == json{{"interval_ms", 1000}, {"mode", "eco"}});
}

TEST_CASE("an unusable interval_ms is not applied and the report shows the interval in force") {
  TwinState twin(1000);
  for (const char* desired :
       {R"({"interval_ms":5})", R"({"interval_ms":"fast"})", R"({"interval_ms":-100})",
        R"({"interval_ms":12.5})", R"({"interval_ms":99999999999})"}) {
    INFO(desired);
    const auto result = twin.apply(1, desired);
    REQUIRE(result);
    CHECK(result->interval_refused);
    CHECK_FALSE(result->new_interval_ms);
    CHECK(twin.interval_ms() == 1000);
    CHECK(json::parse(twin.report_patch()).at("interval_ms") == 1000);
  }
}

TEST_CASE("an interval changed by a command shows in the next report") {
  TwinState twin(1000);
  REQUIRE(twin.apply(1, R"({"interval_ms":500})"));
  twin.mark_reported();
  twin.set_interval(250);
  CHECK(json::parse(twin.report_patch()) == json{{"interval_ms", 250}});
}

TEST_CASE("a desired document that is not an object changes nothing") {
  TwinState twin(1000);
  CHECK_FALSE(twin.apply(1, "[1,2]"));
  CHECK_FALSE(twin.apply(1, "{broken"));
  CHECK(twin.applied_version() == 0);
  CHECK(twin.interval_ms() == 1000);
}

#include "hubctl/command_arguments.h"

#include <doctest/doctest.h>

using namespace edgehub::hubctl;
using namespace std::chrono_literals;

TEST_CASE("--attr key=value pairs become a JSON object of strings") {
  const auto attributes = parse_attributes({"room=boiler=2", "floor=", "site=north"});
  REQUIRE(attributes.ok());
  CHECK(attributes.value() ==
        nlohmann::json{{"room", "boiler=2"}, {"floor", ""}, {"site", "north"}});
  CHECK(parse_attributes({}).value() == nlohmann::json::object());
}

TEST_CASE("--attr without a key, without '=', or given twice is a usage error") {
  CHECK(parse_attributes({"=x"}).error().message.find("key=value") != std::string::npos);
  CHECK(parse_attributes({"room"}).error().message.find("key=value") != std::string::npos);
  CHECK(parse_attributes({"a=1", "a=2"}).error().message == "--attr a is given twice");
}

TEST_CASE("--payload accepts any JSON value and explains invalid JSON") {
  CHECK(parse_payload(R"({"interval_ms": 500})").value() == nlohmann::json{{"interval_ms", 500}});
  CHECK(parse_payload("42").value() == 42);
  CHECK(parse_payload("null").value().is_null());
  const auto invalid = parse_payload("{interval: 5}");
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.error().message.find("--payload is not valid JSON") == 0);
  CHECK_FALSE(parse_payload("").ok());
  // nlohmann throws out_of_range, not parse_error, for a number beyond double.
  const auto huge = parse_payload(R"({"n": 1e999999})");
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().message.find("--payload is not valid JSON") == 0);
}

TEST_CASE("a command timeout in seconds becomes milliseconds within the API's bounds") {
  CHECK(command_timeout_from_seconds(10).value() == 10000ms);
  CHECK(command_timeout_from_seconds(0.25).value() == 250ms);
  CHECK(command_timeout_from_seconds(300).value() == 300000ms);
  CHECK(command_timeout_from_seconds(0.0001).value() == 1ms);
  for (double bad : {0.0, -1.0, 300.5}) {
    CAPTURE(bad);
    CHECK_FALSE(command_timeout_from_seconds(bad).ok());
  }
}

TEST_CASE("device ids and command names are checked against the protocol's rules") {
  CHECK(check_device_id("boiler-1").ok());
  CHECK(check_device_id("bad/id").error().message.find("not a valid device id") !=
        std::string::npos);
  CHECK_FALSE(check_device_id("").ok());
  CHECK(check_command_name("set-interval").ok());
  CHECK_FALSE(check_command_name("set interval").ok());
}

#include "edgehub/protocol/topics.h"

#include <doctest/doctest.h>

#include <array>
#include <string>

using namespace edgehub::protocol;

TEST_CASE("is_valid_device_id accepts the documented alphabet and length") {
  CHECK(is_valid_device_id("boiler-1"));
  CHECK(is_valid_device_id("A.b_c-9"));
  CHECK(is_valid_device_id(std::string(64, 'x')));
  CHECK_FALSE(is_valid_device_id(""));
  CHECK_FALSE(is_valid_device_id(std::string(65, 'x')));
  CHECK_FALSE(is_valid_device_id(".hidden"));
  CHECK_FALSE(is_valid_device_id("-flag"));
  CHECK_FALSE(is_valid_device_id("a/b"));
  CHECK_FALSE(is_valid_device_id("a+"));
  CHECK_FALSE(is_valid_device_id("a#"));
  CHECK_FALSE(is_valid_device_id("a b"));
}

TEST_CASE("build_device_topic writes each kind and reports the length") {
  std::array<char, kMaxTopicLength> buffer{};
  std::size_t n = build_device_topic(TopicKind::telemetry, "d1", buffer.data(), buffer.size());
  CHECK(std::string(buffer.data(), n) == "devices/d1/telemetry");
  n = build_device_topic(TopicKind::commands, "d1", buffer.data(), buffer.size());
  CHECK(std::string(buffer.data(), n) == "devices/d1/commands");
  n = build_device_topic(TopicKind::responses, "d1", buffer.data(), buffer.size());
  CHECK(std::string(buffer.data(), n) == "devices/d1/responses");
}

TEST_CASE("build_device_topic with a buffer one byte short returns 0") {
  const std::string expected = "devices/dev-7/telemetry";
  std::array<char, 64> buffer{};
  CHECK(build_device_topic(TopicKind::telemetry, "dev-7", buffer.data(), expected.size()) ==
        expected.size());
  CHECK(build_device_topic(TopicKind::telemetry, "dev-7", buffer.data(), expected.size() - 1) == 0);
}

TEST_CASE("build_device_topic refuses an invalid device id") {
  std::array<char, kMaxTopicLength> buffer{};
  CHECK(build_device_topic(TopicKind::telemetry, "a/b", buffer.data(), buffer.size()) == 0);
  CHECK(build_device_topic(TopicKind::telemetry, "", buffer.data(), buffer.size()) == 0);
}

TEST_CASE("the longest device id fits kMaxTopicLength") {
  std::array<char, kMaxTopicLength> buffer{};
  const std::string id(kMaxDeviceIdLength, 'z');
  CHECK(build_device_topic(TopicKind::telemetry, id, buffer.data(), buffer.size()) ==
        kMaxTopicLength);
}

TEST_CASE("parse_device_topic round-trips and rejects foreign topics") {
  ParsedTopic parsed{};
  REQUIRE(parse_device_topic("devices/boiler-1/responses", parsed));
  CHECK(parsed.kind == TopicKind::responses);
  CHECK(parsed.device_id == "boiler-1");
  CHECK_FALSE(parse_device_topic("devices/boiler-1/telemetry/extra", parsed));
  CHECK_FALSE(parse_device_topic("devices/+/telemetry", parsed));
  CHECK_FALSE(parse_device_topic("devices//telemetry", parsed));
  CHECK_FALSE(parse_device_topic("device/x/telemetry", parsed));
  CHECK_FALSE(parse_device_topic("devices/x", parsed));
  CHECK_FALSE(parse_device_topic("devices/x/other", parsed));
}

TEST_CASE("a device may publish only its own telemetry and responses") {
  CHECK(device_may_publish("d1", "devices/d1/telemetry"));
  CHECK(device_may_publish("d1", "devices/d1/responses"));
  CHECK_FALSE(device_may_publish("d1", "devices/d2/telemetry"));
  CHECK_FALSE(device_may_publish("d1", "devices/d1/commands"));
  CHECK_FALSE(device_may_publish("d1", "devices/d1"));
  CHECK_FALSE(device_may_publish("d1", "$SYS/broker/uptime"));
  CHECK_FALSE(device_may_publish("d1", "devices/d10/telemetry"));
}

TEST_CASE("a device may subscribe to and receive its own flow topic, never another's") {
  CHECK(device_may_subscribe("d1", "devices/d1/flow"));
  CHECK(device_may_receive("d1", "devices/d1/flow"));
  CHECK_FALSE(device_may_subscribe("d1", "devices/d2/flow"));
  CHECK_FALSE(device_may_receive("d1", "devices/d2/flow"));
  CHECK_FALSE(device_may_subscribe("d1", "devices/+/flow"));
  CHECK_FALSE(device_may_publish("d1", "devices/d1/flow"));
}

TEST_CASE("a device may subscribe to and receive only its own commands") {
  CHECK(device_may_subscribe("d1", "devices/d1/commands"));
  CHECK_FALSE(device_may_subscribe("d1", "devices/d2/commands"));
  CHECK_FALSE(device_may_subscribe("d1", "devices/+/commands"));
  CHECK_FALSE(device_may_subscribe("d1", "devices/#"));
  CHECK_FALSE(device_may_subscribe("d1", "#"));
  CHECK_FALSE(device_may_subscribe("d1", "devices/d1/telemetry"));
  CHECK(device_may_receive("d1", "devices/d1/commands"));
  CHECK_FALSE(device_may_receive("d1", "devices/d2/commands"));
}

TEST_CASE("twins: a device receives its own desired properties and publishes its own reported ones") {
  CHECK(device_may_subscribe("d1", "devices/d1/desired"));
  CHECK(device_may_receive("d1", "devices/d1/desired"));
  CHECK_FALSE(device_may_publish("d1", "devices/d1/desired"));  // only the hub sets desired
  CHECK(device_may_publish("d1", "devices/d1/reported"));
  CHECK_FALSE(device_may_subscribe("d1", "devices/d1/reported"));
  CHECK_FALSE(device_may_receive("d1", "devices/d2/desired"));
  CHECK_FALSE(device_may_publish("d1", "devices/d2/reported"));
  CHECK_FALSE(device_may_subscribe("d1", "devices/+/desired"));
  ParsedTopic parsed{};
  REQUIRE(parse_device_topic("devices/d1/reported", parsed));
  CHECK(parsed.kind == TopicKind::reported);
  CHECK(parsed.device_id == "d1");
}

TEST_CASE("devices can never touch the hub's $hub topics (presence comes from the broker only)") {
  for (const char* topic : {"$hub/presence/d1", "$hub/broker", "$hub/#", "#"}) {
    CHECK_FALSE(device_may_publish("d1", topic));
    CHECK_FALSE(device_may_subscribe("d1", topic));
    CHECK_FALSE(device_may_receive("d1", topic));
  }
}

// Routes: an operator adds a rule with hubctl, devices send telemetry, and the
// matching messages appear (projected, enriched with the device's registry
// attributes) in the route's stream; bad rules are refused with SQLite's
// message; a rule failing for a message dead-letters it, the telemetry stays.
#include <doctest/doctest.h>

#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/text.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

DeviceCredentials device_added_with_hubctl(const HubUnderTest& hub, const std::string& id,
                                           const std::string& attribute) {
  const auto added =
      hub.hubctl({"devices", "add", id, "--attr", attribute, "--out", hub.devices_dir().string()});
  INFO(added.describe());
  REQUIRE(added.exited_with(0));
  return DeviceCredentials{id, hub.devices_dir() / (id + ".pem"), hub.devices_dir() / (id + ".key"),
                           hub.devices_dir() / "ca.pem"};
}

void publish(const HubUnderTest& hub, const DeviceCredentials& device, const std::string& payload) {
  const auto result = mqtt_publish({.port = hub.mqtt_port(), .credentials = device},
                                   "devices/" + device.id + "/telemetry", payload);
  INFO(result.describe());
  REQUIRE(result.exited_with(0));
}

}  // namespace

TEST_CASE(
    "a route added with hubctl copies matching telemetry, projected and enriched, "
    "into its stream") {
  HubUnderTest hub({.name = "routing"});
  const auto boiler = device_added_with_hubctl(hub, "boiler-1", "room=cellar");
  const auto pump = device_added_with_hubctl(hub, "pump-1", "room=attic");

  const auto added =
      hub.hubctl({"routes", "add", "hot-boilers", "--condition",
                  "$.temperature > 30 AND device LIKE 'boiler-%'", "--projection",
                  "json_object('t', $.temperature, 'room', attributes.$.room)", "--stream", "hot"});
  INFO(added.describe());
  REQUIRE(added.exited_with(0));

  const auto tested = hub.hubctl({"routes", "test", "hot-boilers", "--device", "boiler-1",
                                  "--message", R"({"temperature": 31})"});
  INFO(tested.describe());
  CHECK(tested.exited_with(0));
  CHECK(tested.out.find("matched: yes") != std::string::npos);
  CHECK(tested.out.find(R"({"room":"cellar","t":31})") != std::string::npos);

  publish(hub, boiler, R"({"seq": 1, "data": {"temperature": 35.5}})");
  publish(hub, boiler, R"({"seq": 2, "data": {"temperature": 20}})");
  publish(hub, boiler, R"({"seq": 3, "data": {"humidity": 80}})");
  publish(hub, pump, R"({"seq": 1, "data": {"temperature": 90}})");

  REQUIRE(wait_until([&] { return hub.record_count("telemetry") >= 4; }, 15s, 100ms));
  const auto hot = hub.read_stream("hot");
  INFO("hot: " << json(hot).dump());
  REQUIRE(hot.size() == 1);
  CHECK(hot[0].value("device", "") == "boiler-1");
  CHECK(hot[0].value("seq", std::uint64_t{0}) == 1u);
  CHECK(hot[0]["payload"] == json{{"t", 35.5}, {"room", "cellar"}});

  const auto listed = hub.hubctl({"--json", "routes", "list"});
  INFO(listed.describe());
  REQUIRE(listed.exited_with(0));
  const auto routes = json::parse(listed.out, nullptr, false);
  REQUIRE(routes.is_object());
  REQUIRE(routes["routes"].size() == 1);
  CHECK(routes["routes"][0]["matched"] == 1);

  const auto removed = hub.hubctl({"routes", "remove", "hot-boilers"});
  INFO(removed.describe());
  CHECK(removed.exited_with(0));
  publish(hub, boiler, R"({"seq": 4, "data": {"temperature": 99}})");
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") >= 5; }, 15s, 100ms));
  CHECK(hub.read_stream("hot").size() == 1);
}

TEST_CASE(
    "a route that does not compile is refused with SQLite's message; routes survive a "
    "restart") {
  HubUnderTest hub({.name = "routing-refused"});
  const auto refused =
      hub.hubctl({"routes", "add", "broken", "--condition", "$.temperature >", "--stream", "x"});
  INFO(refused.describe());
  CHECK(refused.exited_with(2));
  CHECK(refused.err.find("syntax error") != std::string::npos);

  const auto reply = hub.post(
      "/api/v1/routes",
      json{{"name", "evil"}, {"condition", "load_extension('/tmp/x.so')"}, {"stream", "x"}});
  CHECK(reply.status == 400);
  CHECK(reply.body.find("load_extension") != std::string::npos);

  REQUIRE(hub.post("/api/v1/routes", json{{"name", "all"}, {"condition", "1"}, {"stream", "copy"}})
              .status == 201);
  hub.kill_hard();
  hub.restart();
  const auto listed = hub.get("/api/v1/routes");
  INFO(listed.describe());
  REQUIRE(listed.status == 200);
  REQUIRE(listed.json["routes"].size() == 1);
  CHECK(listed.json["routes"][0]["name"] == "all");
}

TEST_CASE("a route failing for one message dead-letters it naming the route; telemetry is kept") {
  HubUnderTest hub({.name = "routing-failure"});
  const auto device = hub.register_device("sensor-1");
  REQUIRE(hub.post("/api/v1/routes", json{{"name", "strict"},
                                          {"condition", "1"},
                                          {"projection", "json($.raw)"},
                                          {"stream", "parsed"}})
              .status == 201);
  publish(hub, device, R"({"seq": 1, "data": {"raw": "not json"}})");
  publish(hub, device, R"({"seq": 2, "data": {"raw": "[1, 2]"}})");
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") >= 2; }, 15s, 100ms));
  const auto dead = hub.read_stream("deadletter");
  INFO("deadletter: " << json(dead).dump());
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].value("reason", "").find("route 'strict'") != std::string::npos);
  const auto parsed = hub.read_stream("parsed");
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0]["payload"] == json::array({1, 2}));
}

TEST_CASE("a route over its time budget is skipped and reported; one already over it is refused") {
  HubUnderTest hub({.name = "routing-budget"});
  const auto device = hub.register_device("sensor-1");
  // A pattern over the LIKE limit fails for every message: refused when added.
  const auto refused = hub.post("/api/v1/routes",
                                json{{"name", "long-pattern"},
                                     {"condition", "device LIKE '%" + std::string(200, 'a') + "b'"},
                                     {"stream", "never"}});
  INFO(refused.describe());
  CHECK(refused.status == 400);
  CHECK(refused.body.find("trial run") != std::string::npos);

  // Fine on an empty message, slow on a device's long text and pattern: each
  // LIKE compares the pattern at every position of the text.
  std::string condition = "$.text LIKE $.pattern";
  for (int i = 0; i < 20; ++i) condition += " OR $.text LIKE $.pattern";
  REQUIRE(hub.post("/api/v1/routes",
                   json{{"name", "slow"}, {"condition", condition}, {"stream", "slow-copies"}})
              .status == 201);
  const std::string payload = R"({"seq": 1, "data": {"text": ")" + std::string(200000, 'a') +
                              R"(", "pattern": "%)" + std::string(98, 'a') + R"(b"}})";
  const auto payload_file = hub.work_dir() / "slow.json";
  write_text_file(payload_file, payload);
  const auto published = mqtt_publish_file({.port = hub.mqtt_port(), .credentials = device},
                                           "devices/sensor-1/telemetry", payload_file);
  INFO(published.describe());
  REQUIRE(published.exited_with(0));
  publish(hub, device, R"({"seq": 2, "data": {"text": "x", "pattern": "x"}})");
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") >= 2; }, 15s, 100ms));
  const auto dead = hub.read_stream("deadletter");
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].value("reason", "").find("route 'slow' exceeded its time budget") !=
        std::string::npos);
  CHECK(hub.read_stream("slow-copies").size() == 1);  // the small message still routed
  const auto listed = hub.get("/api/v1/routes");
  INFO(listed.describe());
  REQUIRE(listed.status == 200);
  CHECK(listed.body.find("\"overruns\":1") != std::string::npos);
}

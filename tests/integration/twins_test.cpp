// Twins as an operator and a third-party device see them: hubctl twin set /
// get, the device receiving its desired properties on connect and on change
// (mosquitto_sub), reporting with mosquitto_pub, stale updates refused, and
// everything kept across a hub restart.
#include <doctest/doctest.h>

#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/text.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::vector<json> desired_received(const HubUnderTest& hub, const std::string& log) {
  std::vector<json> messages;
  for (const std::string& line : received_on(hub.logs_dir() / log, "devices/twin-1/desired")) {
    const auto space = line.find(' ');
    auto parsed = json::parse(line.substr(space + 1), nullptr, false);
    if (!parsed.is_discarded()) messages.push_back(parsed);
  }
  return messages;
}

json twin_of(const HubUnderTest& hub) {
  const HttpReply reply = hub.get("/api/v1/devices/twin-1/twin");
  INFO(reply.describe());
  REQUIRE(reply.status == 200);
  return reply.json;
}

}  // namespace

TEST_CASE("an operator sets desired properties, the device gets them and reports back") {
  HubUnderTest hub({.name = "twins"});
  const DeviceCredentials device = hub.register_device("twin-1");
  const MqttConnection connection{.port = hub.mqtt_port(), .credentials = device};

  // Set while the device is offline.
  const auto set = hub.hubctl({"twin", "set", "twin-1", "--desired", R"({"interval_ms":500})"});
  INFO(set.describe());
  REQUIRE(set.exited_with(0));
  CHECK(twin_of(hub).at("desired").value("version", 0) == 1);

  {
    Process subscriber =
        mqtt_subscribe(connection, {"devices/twin-1/desired"}, hub.logs_dir() / "twin-1.log");
    // On connect: the whole desired document with its version.
    REQUIRE_MESSAGE(wait_until([&] { return !desired_received(hub, "twin-1.log").empty(); }, 20s),
                    hub.log_tails());
    CHECK(desired_received(hub, "twin-1.log")[0] ==
          json{{"version", 1}, {"desired", {{"interval_ms", 500}}}, {"patch", nullptr}});

    // On change, while connected: the new document and the change.
    const auto change = hub.hubctl(
        {"twin", "set", "twin-1", "--desired", R"({"mode":"eco"})", "--version", "1"});
    INFO(change.describe());
    REQUIRE(change.exited_with(0));
    REQUIRE(wait_until([&] { return desired_received(hub, "twin-1.log").size() >= 2; }, 10s));
    CHECK(desired_received(hub, "twin-1.log")[1] ==
          json{{"version", 2},
               {"desired", {{"interval_ms", 500}, {"mode", "eco"}}},
               {"patch", {{"mode", "eco"}}}});
  }

  // A stale desired update is refused (409) and changes nothing.
  const auto stale = hub.hubctl(
      {"twin", "set", "twin-1", "--desired", R"({"mode":"boost"})", "--version", "1"});
  CHECK_FALSE(stale.exited_with(0));
  CHECK(contains_ignoring_case(stale.combined_output(), "stale"));
  CHECK(twin_of(hub).at("desired").value("version", 0) == 2);

  // The device reports; a report with an old version is refused (deadletter).
  REQUIRE(mqtt_publish(connection, "devices/twin-1/reported",
                       R"({"version":5,"reported":{"interval_ms":500,"mode":"eco"},"desired_version":2})")
              .exited_with(0));
  REQUIRE(wait_until([&] { return twin_of(hub).at("reported").value("version", 0) == 5; }, 10s));
  REQUIRE(mqtt_publish(connection, "devices/twin-1/reported",
                       R"({"version":4,"reported":{"mode":"old"}})")
              .exited_with(0));
  CHECK(wait_until(
      [&] {
        for (const auto& record : hub.read_stream("deadletter")) {
          if (record.value("reason", "").find("stale reported version 4") != std::string::npos) {
            return true;
          }
        }
        return false;
      },
      10s));
  const json twin = twin_of(hub);
  CHECK(twin.at("reported").at("properties") == json{{"interval_ms", 500}, {"mode", "eco"}});
  CHECK(twin.value("desired_acknowledged_version", 0) == 2);

  // Durable: the same twin after a hub restart; hubctl twin get shows it.
  hub.kill_hard();
  hub.restart();
  CHECK(twin_of(hub) == twin);
  const auto shown = hub.hubctl({"twin", "get", "twin-1"});
  CHECK(shown.exited_with(0));
  CHECK(shown.out.find("\"mode\":\"eco\"") != std::string::npos);
}

TEST_CASE("a device cannot set its own desired properties or another device's twin") {
  HubUnderTest hub({.name = "twins-acl"});
  const DeviceCredentials device = hub.register_device("twin-1");
  hub.register_device("twin-2");
  const MqttConnection connection{.port = hub.mqtt_port(), .credentials = device};
  mqtt_publish(connection, "devices/twin-1/desired", R"({"version":9,"desired":{}})");
  mqtt_publish(connection, "devices/twin-2/reported", R"({"version":9,"reported":{"x":1}})");
  mqtt_publish(connection, "$hub/presence/twin-2",
               R"({"event":"connected","at_ms":1,"broker_run":1,"connection":1,"seq":1})");
  std::this_thread::sleep_for(1s);
  CHECK(twin_of(hub).at("desired").value("version", 1) == 0);
  const HttpReply other = hub.get("/api/v1/devices/twin-2/twin");
  CHECK(other.json.at("reported").value("version", 1) == 0);
  const HttpReply presence = hub.get("/api/v1/devices/twin-2");
  CHECK(presence.json.value("connection", "") == "never");  // a device cannot fake presence
}

// Only registered devices with the certificate the hub issued get in, and a
// device that is in can only use its own topics. Each refusal is asserted as a
// device sees it (mosquitto_pub/mosquitto_sub output and exit code) AND as the
// operator sees it (nothing reached the streams). Each test ends with an
// allowed publish that does land, proving that the streams were being
// watched: "nothing arrived" would otherwise prove nothing.
#include <doctest/doctest.h>

#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/openssl_cli.h"
#include "support/text.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::string telemetry_topic(const std::string& device) {
  return "devices/" + device + "/telemetry";
}

// A refused CONNECT as mosquitto_pub shows it: CONNACK 5, "not authorised", exit code 5.
void check_connection_refused_as_not_authorised(const CommandResult& result) {
  INFO(result.describe());
  CHECK_FALSE(result.exited_with(0));
  CHECK(contains_ignoring_case(result.combined_output(), "not authori"));
  CHECK(result.out.find("received PUBACK") == std::string::npos);
}

// Publishes as a registered device and waits for its record: afterwards the
// streams hold everything that was going to arrive before it.
void publish_control_message_and_wait(HubUnderTest& hub, const DeviceCredentials& device,
                                      std::uint64_t seq) {
  const auto result =
      mqtt_publish({.port = hub.mqtt_port(), .credentials = device}, telemetry_topic(device.id),
                   telemetry_payload(seq, R"({"control":true})"));
  INFO(result.describe());
  REQUIRE(result.exited_with(0));
  const bool stored = wait_until(
      [&] {
        for (const auto& record : hub.read_stream("telemetry")) {
          if (record.value("device", "") == device.id &&
              record.value("seq", std::uint64_t{0}) == seq)
            return true;
        }
        return false;
      },
      15s, 100ms);
  REQUIRE_MESSAGE(stored,
                  "the control message of " << device.id << " never reached the telemetry stream");
}

// After the control message: the telemetry stream holds exactly the expected
// (device, seq) records and the deadletter stream nothing.
void check_streams_hold_only(const HubUnderTest& hub,
                             const std::vector<std::pair<std::string, std::uint64_t>>& expected) {
  const auto records = hub.read_stream("telemetry");
  INFO("telemetry: " << json(records).dump());
  std::vector<std::pair<std::string, std::uint64_t>> stored;
  for (const auto& record : records)
    stored.emplace_back(record.value("device", ""), record.value("seq", std::uint64_t{0}));
  CHECK(stored == expected);
  const auto deadletter = hub.read_stream("deadletter");
  INFO("deadletter: " << json(deadletter).dump());
  CHECK(deadletter.empty());
}

}  // namespace

TEST_CASE("a registered device with the certificate the hub issued is admitted") {
  HubUnderTest hub({.name = "admission-ok"});
  const auto device = hub.register_device("good-1");
  publish_control_message_and_wait(hub, device, 1);
  check_streams_hold_only(hub, {{"good-1", 1}});
}

TEST_CASE("a certificate signed by the hub's CA for an unregistered device is refused") {
  HubUnderTest hub({.name = "admission-unregistered"});
  const auto control = hub.register_device("control-1");
  const auto rogue =
      sign_unregistered_certificate(hub.ca_certificate(), hub.ca_private_key(), "rogue-1",
                                    hub.work_dir() / "rogue", hub.ca_certificate());
  const auto result =
      mqtt_publish({.port = hub.mqtt_port(), .credentials = rogue}, telemetry_topic("rogue-1"),
                   telemetry_payload(1, R"({"evil":true})"));
  check_connection_refused_as_not_authorised(result);
  publish_control_message_and_wait(hub, control, 1);
  check_streams_hold_only(hub, {{"control-1", 1}});
}

TEST_CASE(
    "a certificate signed by the hub's CA for a registered id, but not the registered one, is "
    "refused") {
  HubUnderTest hub({.name = "admission-wrong-cert"});
  const auto victim = hub.register_device("victim-1");
  const auto impostor =
      sign_unregistered_certificate(hub.ca_certificate(), hub.ca_private_key(), "victim-1",
                                    hub.work_dir() / "impostor", hub.ca_certificate());
  const auto result =
      mqtt_publish({.port = hub.mqtt_port(), .credentials = impostor}, telemetry_topic("victim-1"),
                   telemetry_payload(666, R"({"evil":true})"));
  check_connection_refused_as_not_authorised(result);
  publish_control_message_and_wait(hub, victim, 1);
  check_streams_hold_only(hub, {{"victim-1", 1}});
}

TEST_CASE("a certificate from another CA is refused in the TLS handshake") {
  HubUnderTest hub({.name = "admission-other-ca"});
  const auto control = hub.register_device("control-1");
  // Same device id as a registered device: only the issuer differs.
  const auto foreign =
      certificate_from_another_ca("control-1", hub.work_dir() / "other-ca", hub.ca_certificate());
  const auto result =
      mqtt_publish({.port = hub.mqtt_port(), .credentials = foreign}, telemetry_topic("control-1"),
                   telemetry_payload(666, R"({"evil":true})"));
  INFO(result.describe());
  CHECK_FALSE(result.exited_with(0));
  CHECK(result.out.find("received CONNACK") == std::string::npos);  // refused before MQTT begins
  CHECK(result.out.find("received PUBACK") == std::string::npos);
  publish_control_message_and_wait(hub, control, 1);
  check_streams_hold_only(hub, {{"control-1", 1}});
}

TEST_CASE("a device removed with hubctl is refused, and disconnected if it was connected") {
  HubUnderTest hub({.name = "admission-removed"});
  // Enrolled the operator's way: hubctl devices add writes the files a device needs.
  const auto out_dir = hub.work_dir() / "enrolled";
  const auto added = hub.hubctl({"devices", "add", "leaving-1", "--out", out_dir.string()});
  INFO(added.describe());
  REQUIRE(added.exited_with(0));
  const DeviceCredentials leaving{"leaving-1", out_dir / "leaving-1.pem", out_dir / "leaving-1.key",
                                  out_dir / "ca.pem"};
  REQUIRE(std::filesystem::exists(leaving.certificate));
  REQUIRE(std::filesystem::exists(leaving.ca));
  REQUIRE(std::filesystem::exists(leaving.private_key));
  const auto key_permissions = std::filesystem::status(leaving.private_key).permissions();
  CHECK((key_permissions & (std::filesystem::perms::group_all |
                            std::filesystem::perms::others_all)) == std::filesystem::perms::none);
  const auto control = hub.register_device("control-1");
  publish_control_message_and_wait(hub, leaving, 1);  // admitted while registered

  // Connected at the time of removal: a subscriber on its own commands.
  Process connected =
      mqtt_subscribe({.port = hub.mqtt_port(), .credentials = leaving},
                     {"devices/leaving-1/commands"}, hub.logs_dir() / "leaving-sub.log");
  REQUIRE(wait_until([&] { return suback_codes(connected.log_file()).has_value(); }, 10s));

  const auto removed = hub.hubctl({"devices", "remove", "leaving-1"});
  INFO(removed.describe());
  REQUIRE(removed.exited_with(0));
  const auto ended = connected.wait_for_exit(5s);
  CHECK_MESSAGE(ended.has_value(),
                "the removed device's connection was still open 5 s after removal");
  const auto listed = hub.hubctl({"--json", "devices", "list"});
  INFO(listed.describe());
  CHECK(listed.exited_with(0));
  CHECK(listed.out.find("control-1") != std::string::npos);
  CHECK(listed.out.find("leaving-1") == std::string::npos);

  const auto result =
      mqtt_publish({.port = hub.mqtt_port(), .credentials = leaving}, telemetry_topic("leaving-1"),
                   telemetry_payload(2, R"({"after_removal":true})"));
  check_connection_refused_as_not_authorised(result);
  publish_control_message_and_wait(hub, control, 1);
  check_streams_hold_only(hub, {{"leaving-1", 1}, {"control-1", 1}});
}

TEST_CASE("a client id different from the certificate's CN is refused") {
  HubUnderTest hub({.name = "admission-client-id"});
  const auto device = hub.register_device("honest-1");
  hub.register_device("other-1");
  const auto result =
      mqtt_publish({.port = hub.mqtt_port(), .credentials = device, .client_id = "other-1"},
                   telemetry_topic("honest-1"), telemetry_payload(1, R"({"spoofed":true})"));
  check_connection_refused_as_not_authorised(result);
  publish_control_message_and_wait(hub, device, 2);
  check_streams_hold_only(hub, {{"honest-1", 2}});
}

TEST_CASE("a device publishing on another device's telemetry topic gets nothing into any stream") {
  HubUnderTest hub({.name = "confinement-publish"});
  hub.register_device("alice-1");
  const auto mallory = hub.register_device("mallory-1");

  SUBCASE("MQTT 3.1.1: the broker still acknowledges, and drops the message") {
    const auto result =
        mqtt_publish({.port = hub.mqtt_port(), .credentials = mallory}, telemetry_topic("alice-1"),
                     telemetry_payload(777, R"({"forged":true})"));
    INFO(result.describe());
    CHECK(result.exited_with(0));
  }
  SUBCASE("MQTT 5: the publisher is told it is not authorized (reason 0x87)") {
    const auto result =
        mqtt_publish({.port = hub.mqtt_port(), .credentials = mallory, .protocol = "mqttv5"},
                     telemetry_topic("alice-1"), telemetry_payload(777, R"({"forged":true})"));
    INFO(result.describe());
    CHECK(contains_ignoring_case(result.combined_output(), "not authorized"));
    CHECK(result.out.find("RC:135") != std::string::npos);
  }
  SUBCASE("another device's responses topic, which the hub also listens to") {
    const auto result =
        mqtt_publish({.port = hub.mqtt_port(), .credentials = mallory}, "devices/alice-1/responses",
                     R"({"id":"c-forged","status":200,"payload":null})");
    INFO(result.describe());
    CHECK(result.out.find("received CONNACK (0)") != std::string::npos);
  }
  // Its own topic right after does land: the check above could have failed.
  publish_control_message_and_wait(hub, mallory, 1000);
  check_streams_hold_only(hub, {{"mallory-1", 1000}});
}

TEST_CASE("a device cannot subscribe to another device's commands") {
  HubUnderTest hub({.name = "confinement-subscribe"});
  Process alice = start_firmware_sim(
      hub, {.ids = {"alice-1"}, .interval_ms = 500, .label = "firmware-sim-alice"});
  const auto mallory = hub.register_device("mallory-1");
  REQUIRE(wait_until(
      [&] {
        for (const auto& record : hub.read_stream("telemetry")) {
          if (record.value("device", "") == "alice-1") return true;
        }
        return false;
      },
      20s, 100ms));

  // Another device's commands, wildcards, and (as the control) its own commands.
  const std::vector<std::string> filters = {"devices/alice-1/commands", "devices/+/commands", "#",
                                            "devices/mallory-1/commands"};
  Process eavesdropper = mqtt_subscribe({.port = hub.mqtt_port(), .credentials = mallory}, filters,
                                        hub.logs_dir() / "mallory-sub.log");
  REQUIRE_MESSAGE(
      wait_until([&] { return suback_codes(eavesdropper.log_file()).has_value(); }, 10s),
      "mosquitto_sub got no SUBACK:\n"
          << eavesdropper.log_tail());
  const auto codes = *suback_codes(eavesdropper.log_file());
  INFO("SUBACK codes: " << json(codes).dump());
  REQUIRE(codes.size() == 4);
  CHECK(codes[0] == 0x80);
  CHECK(codes[1] == 0x80);
  CHECK(codes[2] == 0x80);
  CHECK(codes[3] == 1);

  // A command to alice is delivered (she answers) ...
  const auto to_alice = hub.hubctl({"send", "alice-1", "ping", "--timeout", "10"});
  INFO(to_alice.describe());
  CHECK(to_alice.exited_with(0));
  // ... and one to mallory reaches mallory's subscriber (which does not answer).
  const auto to_mallory = hub.hubctl({"send", "mallory-1", "ping", "--timeout", "2"});
  INFO(to_mallory.describe());
  CHECK(to_mallory.exited_with(4));
  CHECK_MESSAGE(
      wait_until(
          [&] {
            return !received_on(eavesdropper.log_file(), "devices/mallory-1/commands").empty();
          },
          10s),
      "the control command to mallory-1 never reached its subscriber:\n"
          << eavesdropper.log_tail());
  // The command to alice was sent before mallory's own: had it leaked, it would be here by now.
  eavesdropper.stop();
  CHECK(received_on(eavesdropper.log_file(), "devices/alice-1/commands").empty());
  CHECK(eavesdropper.log_tail(1000).find("'devices/alice-1/commands'") == std::string::npos);
}

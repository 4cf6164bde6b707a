// Twins through HubClient (docs/protocol.md section 4.4): desired documents
// in on devices/<id>/desired, reports out on devices/<id>/reported, and the
// codec (parse_desired, build_reported) on its own.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "edgehub/device/hub/hub_client.h"
#include "edgehub/device/hub/twin.h"
#include "support/broker_packets.h"
#include "support/hub_fixture.h"

using namespace edgehub::device;
using namespace edgehub::device::hub;
using namespace edgehub::device::testing;

namespace {

// Delivers a desired document and returns the packet id the device acknowledged (0: none).
std::uint16_t deliver_desired(HubFixture& f, const std::string& json,
                              std::uint16_t packet_id = 60) {
  f.net.push(publish_packet(kDesired, json, mqtt::QoS::at_least_once, packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  for (const auto& packet : f.net.take_sent_packets()) {
    if (decode_sent_puback(packet) == packet_id) return packet_id;
  }
  return 0;
}

std::vector<SentPublish> reports_in(const std::vector<Bytes>& packets) {
  std::vector<SentPublish> out;
  for (const auto& packet : packets) {
    SentPublish publish = decode_sent_publish(packet);
    if (publish.topic == kReported) out.push_back(publish);
  }
  return out;
}

// Connects twice (persistent and clean session): each time one SUBSCRIBE with
// commands and flow, and desired only for a device with twins; ready after
// the SUBACK.
void check_subscribe_after_every_connect(HubFixture& f, bool twins) {
  for (const bool clean : {false, true}) {
    REQUIRE(f.hub.connect(HubConnectOptions{clean, 30, 10'000}) == Status::ok);
    f.net.push(connack());
    REQUIRE(f.hub.process() == Status::ok);
    auto sent = f.net.take_sent_packets();
    REQUIRE(sent.size() == 2);
    REQUIRE(type_of(sent[1]) == mqtt::PacketType::subscribe);
    const std::string subscribe = text_of(sent[1]);
    CHECK(subscribe.find(kCommands) != std::string::npos);
    CHECK(subscribe.find(kFlow) != std::string::npos);
    CHECK((subscribe.find(kDesired) != std::string::npos) == twins);
    const auto id = static_cast<std::uint16_t>((sent[1].at(2) << 8) | sent[1].at(3));
    f.net.push(suback_for(id, twins ? kHubSubscriptions : kHubSubscriptionsWithoutTwins));
    REQUIRE(f.hub.process() == Status::ok);
    CHECK(f.hub.state() == HubState::ready);
    f.hub.connection_lost();
  }
}

}  // namespace

TEST_CASE(
    "after every connect a device with twins subscribes to commands, flow and desired in one "
    "SUBSCRIBE") {
  HubFixture f;
  check_subscribe_after_every_connect(f, /*twins=*/true);
}

TEST_CASE("a SUBACK refusing the desired topic ends the connection with subscription_refused") {
  HubFixture f;
  const std::uint16_t id = f.connect_until_subscribe();
  f.net.push(suback_for(id, kHubSubscriptions, 2));
  CHECK(f.hub.process() == Status::subscription_refused);
  CHECK(f.hub.state() == HubState::disconnected);
}

TEST_CASE(
    "a device that does not set on_desired subscribes to commands and flow, never to desired") {
  HubFixture f("dev-1", 512, 4096, reliability::OverflowPolicy::drop_oldest, 256, false);
  check_subscribe_after_every_connect(f, /*twins=*/false);
}

TEST_CASE(
    "a desired document reaching a device without twins is acknowledged, reported and not "
    "applied") {
  // Possible only through a broker session kept from firmware that subscribed.
  HubFixture f("dev-1", 512, 4096, reliability::OverflowPolicy::drop_oldest, 256, false);
  f.connect();
  CHECK(deliver_desired(f, R"({"version":2,"desired":{"mode":"eco"},"patch":null})") == 60);
  REQUIRE(f.problems.size() == 1);
  CHECK(f.problems[0].first == Status::protocol_error);
  CHECK(f.hub.statistics().problems == 1);
  CHECK(f.hub.statistics().desired_applied == 0);
  CHECK(f.hub.desired_version() == 0);
  CHECK(f.hub.state() == HubState::ready);
  CHECK(f.command(R"({"id":"c1","name":"ping"})").topic == kResponses);  // still serving
}

TEST_CASE("a device without twins can still report properties") {
  HubFixture f("dev-1", 512, 4096, reliability::OverflowPolicy::drop_oldest, 256, false);
  f.connect();
  REQUIRE(f.hub.report_properties(R"({"firmware":"1.2"})", kNoDesiredVersion, nullptr) ==
          Status::ok);
  const auto reports = reports_in(f.net.take_sent_packets());
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].payload == R"({"version":1,"reported":{"firmware":"1.2"}})");
}

TEST_CASE("setting on_desired turns twins on; setting it back to null turns them off") {
  HubCallbacks callbacks;
  CHECK((callbacks.on_desired == nullptr));
  CHECK((callbacks.on_desired.handler() == nullptr));
  callbacks.on_desired = [](void*, std::uint64_t, std::string_view) {};
  CHECK((callbacks.on_desired != nullptr));
  CHECK((callbacks.on_desired.handler() != nullptr));
  callbacks.on_desired = nullptr;
  CHECK((callbacks.on_desired.handler() == nullptr));
  const HubCallbacks initialised{.on_desired = [](void*, std::uint64_t, std::string_view) {}};
  CHECK((initialised.on_desired.handler() != nullptr));
}

TEST_CASE("the desired document sent on connect reaches the application with its version") {
  HubFixture f;
  f.connect();
  CHECK(deliver_desired(
            f, R"({"version":2,"desired":{"interval_ms":500,"mode":"eco"},"patch":null})") == 60);
  REQUIRE(f.desired.size() == 1);
  CHECK(f.desired[0].first == 2);
  CHECK(f.desired[0].second == R"({"interval_ms":500,"mode":"eco"})");
  CHECK(f.hub.desired_version() == 2);
  CHECK(f.hub.statistics().desired_applied == 1);
  CHECK(f.problems.empty());
}

TEST_CASE(
    "a change with a higher version is delivered, a redelivered equal or older version is not") {
  HubFixture f;
  f.connect();
  deliver_desired(f, R"({"version":1,"desired":{"mode":"eco"},"patch":{"mode":"eco"}})", 61);
  deliver_desired(f, R"({"version":3,"desired":{"mode":"max"},"patch":{"mode":"max"}})", 62);
  CHECK(deliver_desired(f, R"({"version":3,"desired":{"mode":"max"},"patch":null})", 63) == 63);
  CHECK(deliver_desired(f, R"({"version":2,"desired":{"mode":"old"},"patch":null})", 64) == 64);
  REQUIRE(f.desired.size() == 2);
  CHECK(f.desired[0].first == 1);
  CHECK(f.desired[1].first == 3);
  CHECK(f.desired[1].second == R"({"mode":"max"})");
  CHECK(f.hub.desired_version() == 3);
  CHECK(f.problems.empty());
}

TEST_CASE("a desired version restored from storage is not delivered again after a reboot") {
  HubFixture f;
  f.hub.set_desired_version(5);
  f.connect();
  deliver_desired(f, R"({"version":5,"desired":{"mode":"eco"},"patch":null})");
  CHECK(f.desired.empty());
  deliver_desired(f, R"({"version":6,"desired":{},"patch":null})");
  REQUIRE(f.desired.size() == 1);
  CHECK(f.desired[0].second == "{}");
}

TEST_CASE("a malformed desired document is reported, acknowledged and changes nothing") {
  const char* cases[] = {
      "not json",
      R"([1,2])",
      R"({"desired":{"a":1}})",              // no version
      R"({"version":0,"desired":{"a":1}})",  // versions start at 1
      R"({"version":-1,"desired":{"a":1}})",
      R"({"version":"2","desired":{"a":1}})",
      R"({"version":1.5,"desired":{"a":1}})",
      R"({"version":2})",                // no desired
      R"({"version":2,"desired":[1]})",  // desired not an object
      R"({"version":2,"desired":null})",
      R"({"version":2,"version":3,"desired":{}})",  // given twice
      R"({"version":2,"desired":{"a":1})",          // truncated
  };
  for (const char* message : cases) {
    CAPTURE(message);
    HubFixture f;
    f.connect();
    CHECK(deliver_desired(f, message) == 60);
    CHECK(f.desired.empty());
    CHECK(f.hub.desired_version() == 0);
    REQUIRE(f.problems.size() == 1);
    CHECK(f.problems[0].first == Status::malformed);
    CHECK(f.hub.state() == HubState::ready);
  }
}

TEST_CASE(
    "a desired document larger than the receive buffer is reported and the next one arrives") {
  HubFixture f;  // 512-byte receive buffer
  f.connect();
  const std::string big =
      R"({"version":1,"desired":{"blob":")" + std::string(600, 'x') + R"("},"patch":null})";
  f.net.push(publish_packet(kDesired, big, mqtt::QoS::at_least_once, 65));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.desired.empty());
  REQUIRE(f.problems.size() == 1);
  CHECK(f.problems[0].first == Status::packet_too_large);
  (void)f.net.take_sent_packets();
  deliver_desired(f, R"({"version":2,"desired":{"a":1},"patch":null})");
  REQUIRE(f.desired.size() == 1);
  CHECK(f.desired[0].first == 2);
}

TEST_CASE("a report is published QoS 1 with the exact payload and a strictly increasing version") {
  HubFixture f;
  f.connect();
  f.hub.set_next_report_version(1732631234);
  std::uint64_t version = 0;
  REQUIRE(f.hub.report_properties(R"({"interval_ms":500,"mode":"eco"})", 2, &version) ==
          Status::ok);
  CHECK(version == 1732631234);
  REQUIRE(f.hub.report_properties(R"({"mode":null})", kNoDesiredVersion, &version) == Status::ok);
  CHECK(version == 1732631235);
  const auto reports = reports_in(f.net.take_sent_packets());
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].qos == mqtt::QoS::at_least_once);
  CHECK(
      reports[0].payload ==
      R"({"version":1732631234,"reported":{"interval_ms":500,"mode":"eco"},"desired_version":2})");
  CHECK(reports[1].payload == R"({"version":1732631235,"reported":{"mode":null}})");
  CHECK(f.hub.statistics().reports_sent == 2);
  CHECK(f.hub.next_report_version() == 1732631236);
}

TEST_CASE("the application can report from inside on_desired") {
  HubFixture f;
  f.report_from_on_desired = true;
  f.connect();
  f.net.push(publish_packet(kDesired, R"({"version":4,"desired":{"mode":"eco"},"patch":null})"));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.report_status == Status::ok);
  const auto reports = reports_in(f.net.take_sent_packets());
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].payload == R"({"version":1,"reported":{"mode":"eco"},"desired_version":4})");
}

TEST_CASE("a report made while offline waits for the connection; a second one is busy meanwhile") {
  HubFixture f;
  std::uint64_t version = 0;
  REQUIRE(f.hub.report_properties(R"({"a":1})", 1, &version) == Status::ok);
  CHECK(version == 1);
  CHECK(f.hub.report_properties(R"({"a":2})", 1, &version) == Status::busy);
  CHECK(f.hub.next_report_version() == 2);
  const auto reports = reports_in(f.connect());
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].payload == R"({"version":1,"reported":{"a":1},"desired_version":1})");
  CHECK(f.hub.report_properties(R"({"a":2})", 1, &version) == Status::ok);
  CHECK(version == 2);
}

TEST_CASE("a report buffer one byte short refuses the report and keeps the version") {
  const std::string expected = R"({"version":1,"reported":{"a":1},"desired_version":7})";
  {
    HubFixture f("dev-1", 512, 4096, reliability::OverflowPolicy::drop_oldest, expected.size() - 1);
    f.connect();
    CHECK(f.hub.report_properties(R"({"a":1})", 7, nullptr) == Status::buffer_too_small);
    CHECK(f.hub.next_report_version() == 1);
    CHECK(reports_in(f.net.take_sent_packets()).empty());
  }
  HubFixture f("dev-1", 512, 4096, reliability::OverflowPolicy::drop_oldest, expected.size());
  f.connect();
  CHECK(f.hub.report_properties(R"({"a":1})", 7, nullptr) == Status::ok);
  const auto reports = reports_in(f.net.take_sent_packets());
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].payload == expected);
}

TEST_CASE("a report that is not a JSON object, or without a report buffer, is refused") {
  HubFixture f;
  f.connect();
  for (const char* bad : {"", "1", "[1]", "\"a\"", "{\"a\":", "null"}) {
    CAPTURE(bad);
    CHECK(f.hub.report_properties(bad, 1, nullptr) == Status::bad_parameter);
  }
  CHECK(f.hub.next_report_version() == 1);
  HubFixture no_buffer("dev-1", 512, 4096, reliability::OverflowPolicy::drop_oldest, 0);
  CHECK(no_buffer.hub.report_properties("{}", 1, nullptr) == Status::buffer_too_small);
}

TEST_CASE("a report larger than the MQTT send buffer is refused before it is queued") {
  HubFixture f("dev-1", 128, 4096, reliability::OverflowPolicy::drop_oldest, 512);
  f.connect();
  const std::string big = R"({"text":")" + std::string(200, 'x') + R"("})";
  CHECK(f.hub.report_properties(big, 1, nullptr) == Status::buffer_too_small);
  CHECK(f.hub.report_properties(R"({"a":1})", 1, nullptr) == Status::ok);
}

TEST_CASE("parse_desired gives views of the document, the patch null when absent") {
  DesiredDocument document;
  REQUIRE(parse_desired(R"( {"patch":{"b":null},"desired":{"a":1},"version":9,"x":[]} )",
                        &document) == Status::ok);
  CHECK(document.version == 9);
  CHECK(document.desired == R"({"a":1})");
  CHECK(document.patch == R"({"b":null})");
  REQUIRE(parse_desired(R"({"version":18446744073709551615,"desired":{}})", &document) ==
          Status::ok);
  CHECK(document.version == 18446744073709551615ULL);
  CHECK(document.patch == "null");
  CHECK(parse_desired(R"({"version":18446744073709551616,"desired":{}})", &document) ==
        Status::malformed);
  CHECK(document.version == 0);
  CHECK(parse_desired("{}", nullptr) == Status::bad_parameter);
}

TEST_CASE("build_reported writes the exact envelope, or says the buffer is too small") {
  char buffer[64];
  std::size_t length = 0;
  REQUIRE(build_reported(3, R"({"on":true})", kNoDesiredVersion, buffer, sizeof buffer, &length) ==
          Status::ok);
  CHECK(std::string(buffer, length) == R"({"version":3,"reported":{"on":true}})");
  const std::size_t exact = length;
  CHECK(build_reported(3, R"({"on":true})", kNoDesiredVersion, buffer, exact - 1, &length) ==
        Status::buffer_too_small);
  CHECK(build_reported(0, "{}", 1, buffer, sizeof buffer, &length) == Status::bad_parameter);
  CHECK(build_reported(1, "{}", 1, buffer, sizeof buffer, nullptr) == Status::bad_parameter);
}

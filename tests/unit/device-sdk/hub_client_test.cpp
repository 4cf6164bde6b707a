// HubClient over an in-memory transport: topics, telemetry with seq,
// commands answered on the responses topic (docs/protocol.md).
#include "edgehub/device/hub/hub_client.h"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "support/broker_packets.h"
#include "support/fake_transport.h"
#include "support/hub_fixture.h"

using namespace edgehub::device;
using namespace edgehub::device::hub;
using namespace edgehub::device::testing;

TEST_CASE("connect uses the device id as client id and subscribes to its command topic") {
  HubFixture f;
  HubConnectOptions options;
  REQUIRE(f.hub.connect(options) == Status::ok);
  auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 1);
  const std::string connect = text_of(sent[0]);
  CHECK(connect.find(std::string("\x00\x05"
                                 "dev-1",
                                 7)) != std::string::npos);
  CHECK((sent[0].at(9) & 0x02) == 0);  // clean_session=false by default
  CHECK(sent[0].at(10) == 0);
  CHECK(sent[0].at(11) == 30);  // keepalive 30 s

  f.net.push(connack());
  REQUIRE(f.hub.process() == Status::ok);
  sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 1);
  CHECK(text_of(sent[0]).find(kCommands) != std::string::npos);
  CHECK(sent[0].back() == 1);  // QoS 1
}

TEST_CASE("connect refuses an invalid device id") {
  HubFixture f("bad/id");
  CHECK(f.hub.connect(HubConnectOptions{}) == Status::bad_parameter);
  CHECK(f.net.outbound.empty());
}

TEST_CASE("a refused subscription ends the connection with subscription_refused") {
  HubFixture f;
  const std::uint16_t id = f.connect_until_subscribe();
  f.net.push(suback(id, mqtt::kSubackFailure));
  CHECK(f.hub.process() == Status::subscription_refused);
  CHECK(f.hub.state() == HubState::disconnected);
}

TEST_CASE("telemetry goes to the device's telemetry topic with an increasing seq") {
  HubFixture f;
  f.connect();
  f.hub.set_next_seq(1732631234000123ULL);
  std::uint64_t first = 0;
  std::uint64_t second = 0;
  REQUIRE(f.hub.send_telemetry(R"({"temperature":21.5})", 1732631234000ULL, &first) == Status::ok);
  REQUIRE(f.hub.send_telemetry(R"({"temperature":21.6})", kNoTimestamp, &second) == Status::ok);
  CHECK(first == 1732631234000123ULL);
  CHECK(second == first + 1);
  const auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 2);
  const SentPublish message = decode_sent_publish(sent[0]);
  CHECK(message.topic == kTelemetry);
  CHECK(message.qos == mqtt::QoS::at_least_once);
  CHECK(message.payload ==
        R"({"seq":1732631234000123,"ts":1732631234000,"data":{"temperature":21.5}})");
  CHECK(decode_sent_publish(sent[1]).payload ==
        R"({"seq":1732631234000124,"data":{"temperature":21.6}})");
  CHECK(f.hub.statistics().telemetry_sent == 2);
}

TEST_CASE("a telemetry PUBACK is reported with the seq of the message") {
  HubFixture f;
  f.connect();
  f.hub.set_next_seq(100);
  std::uint64_t seq = 0;
  REQUIRE(f.hub.send_telemetry("1", kNoTimestamp, &seq) == Status::ok);
  REQUIRE(f.hub.send_telemetry("2", kNoTimestamp, &seq) == Status::ok);
  const auto sent = f.net.take_sent_packets();
  f.net.push(puback(decode_sent_publish(sent[0]).packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged == std::vector<std::uint64_t>{100});
  CHECK(f.hub.unacknowledged_telemetry() == 1);
  f.net.push(puback(decode_sent_publish(sent[1]).packet_id));
  REQUIRE(f.hub.process() == Status::ok);
  CHECK(f.acknowledged == std::vector<std::uint64_t>{100, 101});
  CHECK(f.hub.unacknowledged_telemetry() == 0);
}

TEST_CASE("telemetry that is not JSON or too large for the buffer is refused, seq unchanged") {
  HubFixture f;
  f.connect();
  f.hub.set_next_seq(5);
  std::uint64_t seq = 0;
  CHECK(f.hub.send_telemetry("{broken", kNoTimestamp, &seq) == Status::bad_parameter);
  CHECK(f.hub.send_telemetry('"' + std::string(300, 'x') + '"', kNoTimestamp, &seq) ==
        Status::buffer_too_small);
  CHECK(f.hub.next_seq() == 5);
  CHECK(f.net.take_sent_packets().empty());
}

TEST_CASE("telemetry needs an opened offline buffer") {
  HubFixture f;
  reliability::OfflineBuffer closed(reliability::memory_storage(f.offline_storage.data(), 100),
                                    reliability::OverflowPolicy::drop_oldest);
  HubClientBuffers buffers = f.buffers();
  buffers.offline = &closed;
  HubClient hub("dev-1", f.net.transport(), f.clock.clock(), buffers, HubCallbacks{});
  std::uint64_t seq = 0;
  CHECK(hub.send_telemetry("1", kNoTimestamp, &seq) == Status::wrong_state);
  CHECK(hub.connect(HubConnectOptions{}) == Status::wrong_state);
  buffers.offline = nullptr;
  HubClient without("dev-1", f.net.transport(), f.clock.clock(), buffers, HubCallbacks{});
  CHECK(without.connect(HubConnectOptions{}) == Status::buffer_too_small);
}

TEST_CASE("ping is answered 200 with pong and the uptime") {
  HubFixture f;
  f.clock.advance(1234);
  f.connect();
  const SentPublish response = f.command(R"({"id":"c-1","name":"ping","payload":null})");
  CHECK(response.topic == kResponses);
  CHECK(response.qos == mqtt::QoS::at_least_once);
  CHECK(response.payload ==
        R"({"id":"c-1","status":200,"payload":{"pong":true,"uptime_ms":1234}})");
  CHECK(f.hub.statistics().commands_answered == 1);
}

TEST_CASE("set-interval with a valid interval reaches the application and is answered 200") {
  HubFixture f;
  f.connect();
  const SentPublish response = f.command(
      R"({"id":"c-2","name":"set-interval","payload":{"interval_ms":500},"timeout_ms":10000})");
  CHECK(response.payload == R"({"id":"c-2","status":200,"payload":{"interval_ms":500}})");
  CHECK(f.intervals == std::vector<std::uint32_t>{500});
}

TEST_CASE("set-interval without a valid interval is answered 400 and changes nothing") {
  HubFixture f;
  f.connect();
  for (const char* payload :
       {"null", "{}", R"({"interval_ms":9})", R"({"interval_ms":"500"})", R"({"interval_ms":-5})",
        R"({"interval_ms":4294967296})", R"({"interval_ms":1.5})"}) {
    CAPTURE(payload);
    const SentPublish response =
        f.command(std::string(R"({"id":"c-3","name":"set-interval","payload":)") + payload + "}");
    CHECK(response.payload.find(R"({"id":"c-3","status":400,"payload":{"error":)") == 0);
  }
  CHECK(f.intervals.empty());
}

TEST_CASE("an unknown command is answered 404 unknown command") {
  HubFixture f;
  f.connect();
  const SentPublish response = f.command(R"({"id":"c-4","name":"reboot"})");
  CHECK(response.payload == R"({"id":"c-4","status":404,"payload":{"error":"unknown command"}})");
}

TEST_CASE("a malformed command with a usable id is answered 400") {
  HubFixture f;
  f.connect();
  const SentPublish response = f.command(R"({"id":"c-5","name":"ping","timeout_ms":"soon"})");
  CHECK(response.payload == R"({"id":"c-5","status":400,"payload":{"error":"malformed command"}})");
}

TEST_CASE("a command without a usable id is reported, acknowledged and not answered") {
  HubFixture f;
  f.connect();
  const SentPublish response = f.command(R"({"name":"ping"})");
  CHECK(response.topic.empty());
  REQUIRE(f.problems.size() == 1);
  CHECK(f.problems[0].first == Status::malformed);
  CHECK(f.hub.statistics().commands_answered == 0);
}

TEST_CASE(
    "on_command answers other commands (with the hub's deadline); an invalid reply becomes 500") {
  HubFixture f;
  HubCallbacks callbacks = f.callbacks();
  static std::string reply_text;
  callbacks.on_command = [](void*, const Command& command, CommandReply& reply) {
    if (command.name() == "echo") {
      reply_text = std::string(command.payload());
    } else if (command.name() == "deadline") {
      reply_text = std::to_string(command.deadline_ms());  // what the application sees
    } else {
      reply_text = "{not json";
    }
    std::snprintf(reply.payload, reply.capacity, "%s", reply_text.c_str());
    reply.length = reply_text.size();
    reply.status = 201;
  };
  std::vector<std::uint8_t> send(512), receive(512);
  std::vector<char> telemetry(128), response(256);
  HubClientBuffers buffers{
      mqtt::ClientBuffers{send.data(), send.size(), receive.data(), receive.size()},
      telemetry.data(),
      telemetry.size(),
      response.data(),
      response.size(),
      &f.offline};
  HubClient hub("dev-1", f.net.transport(), f.clock.clock(), buffers, callbacks);
  REQUIRE(hub.connect(HubConnectOptions{}) == Status::ok);
  f.net.push(connack());
  REQUIRE(hub.process() == Status::ok);
  (void)f.net.take_sent_packets();

  f.net.push(publish_packet(kCommands, R"({"id":"e1","name":"echo","payload":{"k":[1,2]}})"));
  REQUIRE(hub.process() == Status::ok);
  auto sent = f.net.take_sent_packets();
  REQUIRE_FALSE(sent.empty());
  CHECK(decode_sent_publish(sent[0]).payload ==
        R"({"id":"e1","status":201,"payload":{"k":[1,2]}})");

  f.net.push(
      publish_packet(kCommands, R"({"id":"e2","name":"other"})", mqtt::QoS::at_least_once, 8));
  REQUIRE(hub.process() == Status::ok);
  sent = f.net.take_sent_packets();
  REQUIRE_FALSE(sent.empty());
  CHECK(decode_sent_publish(sent[0]).payload ==
        R"({"id":"e2","status":500,"payload":{"error":"device produced an invalid reply"}})");

  f.net.push(publish_packet(
      kCommands, R"({"id":"e3","name":"deadline","deadline_ms":1764201600123})",
      mqtt::QoS::at_least_once, 9));
  REQUIRE(hub.process() == Status::ok);
  sent = f.net.take_sent_packets();
  REQUIRE_FALSE(sent.empty());
  CHECK(decode_sent_publish(sent[0]).payload ==
        R"({"id":"e3","status":201,"payload":1764201600123})");
}

TEST_CASE("a response that cannot be sent yet is kept; the next command waits for it") {
  HubFixture f("dev-1", 128);
  f.connect();
  f.net.send_budget = 0;  // the socket is full
  f.net.push(publish_packet(kCommands, R"({"id":"a","name":"ping"})", mqtt::QoS::at_least_once, 1));
  f.net.push(publish_packet(kCommands, R"({"id":"b","name":"ping"})", mqtt::QoS::at_least_once, 2));
  for (int round = 0; round < 5; ++round) REQUIRE(f.hub.process() == Status::ok);
  f.net.send_budget = 100'000;
  for (int round = 0; round < 5; ++round) REQUIRE(f.hub.process() == Status::ok);
  std::vector<std::string> responses;
  std::vector<std::uint16_t> acks;
  for (const auto& packet : f.net.take_sent_packets()) {
    if (type_of(packet) == mqtt::PacketType::publish) {
      responses.push_back(decode_sent_publish(packet).payload.substr(0, 12));
    } else if (const auto id = decode_sent_puback(packet)) {
      acks.push_back(id);
    }
  }
  CHECK(responses == std::vector<std::string>{R"({"id":"a","s)", R"({"id":"b","s)"});
  CHECK(acks == std::vector<std::uint16_t>{1, 2});
  CHECK(f.hub.statistics().commands_answered == 2);
}

TEST_CASE("a message on a topic the device did not subscribe to is reported") {
  HubFixture f;
  f.connect();
  f.net.push(publish_packet("devices/other/commands", R"({"id":"x","name":"ping"})"));
  REQUIRE(f.hub.process() == Status::ok);
  REQUIRE(f.problems.size() == 1);
  CHECK(f.problems[0].first == Status::protocol_error);
}

// The MQTT client state machine over an in-memory transport and clock.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "edgehub/device/mqtt/client.h"
#include "support/broker_packets.h"
#include "support/fake_transport.h"

using namespace edgehub::device;
using namespace edgehub::device::mqtt;
using namespace edgehub::device::testing;

namespace {

struct Received {
  std::string topic;
  std::string payload;
  QoS qos;
  std::size_t bytes_sent_before;  // what the client had sent when the callback ran
};

class ClientFixture {
 public:
  explicit ClientFixture(std::size_t send_capacity = 256, std::size_t receive_capacity = 256)
      : send_buffer_(send_capacity),
        receive_buffer_(receive_capacity),
        client(net.transport(), clock.clock(),
               ClientBuffers{send_buffer_.data(), send_buffer_.size(), receive_buffer_.data(),
                             receive_buffer_.size()},
               callbacks()) {}

  ClientCallbacks callbacks() {
    ClientCallbacks callbacks;
    callbacks.context = this;
    callbacks.on_publish = [](void* context, const PublishInfo& message) {
      auto* self = static_cast<ClientFixture*>(context);
      if (self->refusals_left > 0) {
        --self->refusals_left;
        return Delivery::retry_later;
      }
      self->received.push_back({std::string(message.topic), std::string(message.payload),
                                message.qos, self->net.outbound.size()});
      return Delivery::accepted;
    };
    callbacks.on_puback = [](void* context, std::uint16_t id) {
      auto* self = static_cast<ClientFixture*>(context);
      self->acknowledged.push_back(id);
      self->acknowledged_tags.push_back(self->client.acknowledged_tag());
    };
    callbacks.on_suback = [](void* context, const Suback& suback) {
      static_cast<ClientFixture*>(context)->subacks.push_back(suback.packet_id);
    };
    callbacks.on_dropped = [](void* context, Status reason, std::uint16_t id) {
      static_cast<ClientFixture*>(context)->dropped.push_back({reason, id});
    };
    return callbacks;
  }

  // CONNECT, CONNACK, and forget the bytes exchanged.
  void connect(bool clean_session = true, std::uint16_t keepalive_seconds = 30) {
    ConnectOptions options;
    options.client_id = "dev-1";
    options.clean_session = clean_session;
    options.keepalive_seconds = keepalive_seconds;
    REQUIRE(client.connect(options, 5000) == Status::ok);
    net.push(connack(!clean_session));
    REQUIRE(client.process() == Status::ok);
    REQUIRE(client.state() == ClientState::connected);
    (void)net.take_sent_packets();
  }

  std::uint16_t publish_qos1(std::string_view payload = "x") {
    PublishInfo publish;
    publish.topic = "devices/dev-1/telemetry";
    publish.payload = payload;
    publish.qos = QoS::at_least_once;
    std::uint16_t id = 0;
    REQUIRE(client.publish(publish, &id) == Status::ok);
    return id;
  }

  FakeTransport net;
  FakeClock clock;

 private:
  std::vector<std::uint8_t> send_buffer_;
  std::vector<std::uint8_t> receive_buffer_;

 public:
  Client client;
  std::vector<Received> received;
  std::vector<std::uint16_t> acknowledged;
  std::vector<std::uint64_t> acknowledged_tags;
  std::vector<std::uint16_t> subacks;
  std::vector<std::pair<Status, std::uint16_t>> dropped;
  int refusals_left = 0;
};

}  // namespace

TEST_CASE("connect sends CONNECT and the client is connected once CONNACK arrives") {
  ClientFixture f;
  ConnectOptions options;
  options.client_id = "dev-1";
  options.clean_session = false;
  REQUIRE(f.client.connect(options, 5000) == Status::ok);
  CHECK(f.client.state() == ClientState::connecting);
  auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 1);
  CHECK(type_of(sent[0]) == PacketType::connect);
  CHECK(f.client.process() == Status::ok);
  CHECK(f.client.state() == ClientState::connecting);
  f.net.push(connack(true));
  CHECK(f.client.process() == Status::ok);
  CHECK(f.client.state() == ClientState::connected);
  CHECK(f.client.session_present());
}

TEST_CASE("a CONNACK arriving one byte per read still completes the connection") {
  ClientFixture f;
  f.net.max_recv_per_call = 1;
  ConnectOptions options;
  options.client_id = "dev-1";
  REQUIRE(f.client.connect(options, 5000) == Status::ok);
  const Bytes packet = connack();
  for (std::uint8_t byte : packet) {
    CHECK(f.client.state() == ClientState::connecting);
    f.net.push({byte});
    REQUIRE(f.client.process() == Status::ok);
  }
  CHECK(f.client.state() == ClientState::connected);
}

TEST_CASE("a refused CONNACK ends the connection and keeps the return code") {
  ClientFixture f;
  ConnectOptions options;
  options.client_id = "dev-1";
  REQUIRE(f.client.connect(options, 5000) == Status::ok);
  f.net.push(connack(false, 5));
  CHECK(f.client.process() == Status::connection_refused);
  CHECK(f.client.state() == ClientState::disconnected);
  CHECK(f.client.connack_return_code() == 5);
}

TEST_CASE("no CONNACK within the timeout ends the connection with timeout") {
  ClientFixture f;
  ConnectOptions options;
  options.client_id = "dev-1";
  REQUIRE(f.client.connect(options, 3000) == Status::ok);
  f.clock.advance(2999);
  CHECK(f.client.process() == Status::ok);
  f.clock.advance(1);
  CHECK(f.client.process() == Status::timeout);
  CHECK(f.client.state() == ClientState::disconnected);
  CHECK(f.client.process() == Status::not_connected);
}

TEST_CASE("connect while connected is refused and the connection is unaffected") {
  ClientFixture f;
  f.connect();
  ConnectOptions options;
  options.client_id = "dev-1";
  CHECK(f.client.connect(options, 5000) == Status::wrong_state);
  CHECK(f.client.state() == ClientState::connected);
}

TEST_CASE("a transport taking one byte per send, and sometimes none, delivers packets intact") {
  ClientFixture f;
  f.connect();
  f.net.max_send_per_call = 1;
  f.net.send_budget = 5;  // then the "socket" is full
  const std::uint16_t first = f.publish_qos1("first");
  const std::uint16_t second = f.publish_qos1("second");
  CHECK(f.net.outbound.size() == 5);
  CHECK(f.client.has_pending_send());
  for (int round = 0; round < 100 && f.client.has_pending_send(); ++round) {
    f.net.send_budget = 3;
    REQUIRE(f.client.process() == Status::ok);
  }
  CHECK_FALSE(f.client.has_pending_send());
  const auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 2);
  CHECK(decode_sent_publish(sent[0]).payload == "first");
  CHECK(decode_sent_publish(sent[0]).packet_id == first);
  CHECK(decode_sent_publish(sent[1]).payload == "second");
  CHECK(decode_sent_publish(sent[1]).packet_id == second);
  CHECK(f.net.outbound.empty());
}

TEST_CASE("an incoming QoS 1 message read one byte at a time is delivered, then acknowledged") {
  ClientFixture f;
  f.connect();
  f.net.max_recv_per_call = 1;
  f.net.push(publish_packet("devices/dev-1/commands", R"({"id":"c1"})", QoS::at_least_once, 42));
  for (int round = 0; round < 100 && f.received.empty(); ++round) {
    REQUIRE(f.client.process() == Status::ok);
  }
  REQUIRE(f.received.size() == 1);
  CHECK(f.received[0].topic == "devices/dev-1/commands");
  CHECK(f.received[0].payload == R"({"id":"c1"})");
  CHECK(f.received[0].bytes_sent_before == 0);  // the PUBACK was not sent before the callback
  const auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 1);
  CHECK(decode_sent_puback(sent[0]) == 42);
}

TEST_CASE("an incoming QoS 0 message is delivered and not acknowledged") {
  ClientFixture f;
  f.connect();
  f.net.push(publish_packet("t", "hello", QoS::at_most_once, 0));
  REQUIRE(f.client.process() == Status::ok);
  REQUIRE(f.received.size() == 1);
  CHECK(f.received[0].qos == QoS::at_most_once);
  CHECK(f.net.take_sent_packets().empty());
}

TEST_CASE("several packets arriving together are all dispatched") {
  ClientFixture f;
  f.connect();
  f.publish_qos1();
  f.publish_qos1();
  (void)f.net.take_sent_packets();
  f.net.push(puback(1));
  f.net.push(publish_packet("t", "a", QoS::at_least_once, 9));
  f.net.push(puback(2));
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.acknowledged == std::vector<std::uint16_t>{1, 2});
  CHECK(f.received.size() == 1);
}

TEST_CASE("a PUBACK releases the outstanding publish and is reported with its packet id") {
  ClientFixture f;
  f.connect();
  const std::uint16_t id = f.publish_qos1();
  CHECK(id != 0);
  CHECK(f.client.outstanding().contains(id));
  f.net.push(puback(id));
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.acknowledged == std::vector<std::uint16_t>{id});
  CHECK(f.client.outstanding().count() == 0);
  // A PUBACK for an id that is not outstanding is ignored, not reported.
  f.net.push(puback(999));
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.acknowledged.size() == 1);
}

TEST_CASE("a full outstanding table makes publish busy until a PUBACK frees a slot") {
  ClientFixture f(4096);
  f.connect();
  std::vector<std::uint16_t> ids;
  for (std::size_t i = 0; i < OutstandingPublishes::kCapacity; ++i) ids.push_back(f.publish_qos1());
  PublishInfo publish;
  publish.topic = "t";
  publish.qos = QoS::at_least_once;
  std::uint16_t id = 0;
  CHECK(f.client.publish(publish, &id) == Status::busy);
  // QoS 0 needs no slot.
  publish.qos = QoS::at_most_once;
  CHECK(f.client.publish(publish, &id) == Status::ok);
  f.net.push(puback(ids[3]));
  REQUIRE(f.client.process() == Status::ok);
  publish.qos = QoS::at_least_once;
  CHECK(f.client.publish(publish, &id) == Status::ok);
  CHECK(id != 0);
  for (std::uint16_t other : ids) CHECK((other == ids[3] || other != id));
}

TEST_CASE("publish into a full send buffer is busy; one that can never fit is buffer_too_small") {
  ClientFixture f(64);
  f.connect();
  f.net.send_budget = 0;  // nothing leaves
  PublishInfo publish;
  publish.topic = "t";
  const std::string payload(40, 'p');
  publish.payload = payload;
  CHECK(f.client.publish(publish, nullptr) == Status::ok);
  CHECK(f.client.publish(publish, nullptr) == Status::busy);
  const std::string huge(100, 'p');
  publish.payload = huge;
  CHECK(f.client.publish(publish, nullptr) == Status::buffer_too_small);
  f.net.send_budget = 1000;
  REQUIRE(f.client.process() == Status::ok);
  publish.payload = payload;
  CHECK(f.client.publish(publish, nullptr) == Status::ok);
}

TEST_CASE("PINGREQ goes out after keepalive idle time and not before") {
  ClientFixture f;
  f.connect(true, 10);
  f.clock.advance(9'999);
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.net.take_sent_packets().empty());
  f.clock.advance(1);
  REQUIRE(f.client.process() == Status::ok);
  auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 1);
  CHECK(type_of(sent[0]) == PacketType::pingreq);
  // Only one PINGREQ while waiting for the answer.
  f.clock.advance(1000);
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.net.take_sent_packets().empty());
}

TEST_CASE("sending other packets postpones PINGREQ") {
  ClientFixture f;
  f.connect(true, 10);
  f.clock.advance(8'000);
  f.publish_qos1();
  (void)f.net.take_sent_packets();
  f.clock.advance(8'000);
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.net.take_sent_packets().empty());
  f.clock.advance(2'000);
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.net.take_sent_packets().size() == 1);
}

TEST_CASE("a missing PINGRESP ends the connection with keepalive_timeout") {
  ClientFixture f;
  f.connect(true, 10);
  f.clock.advance(10'000);
  REQUIRE(f.client.process() == Status::ok);  // PINGREQ
  f.clock.advance(EDGEHUB_DEVICE_PINGRESP_TIMEOUT_MS - 1);
  REQUIRE(f.client.process() == Status::ok);
  f.clock.advance(1);
  CHECK(f.client.process() == Status::keepalive_timeout);
  CHECK(f.client.state() == ClientState::disconnected);
}

TEST_CASE(
    "a PINGRESP in time keeps the connection and the next PINGREQ follows a keepalive later") {
  ClientFixture f;
  f.connect(true, 10);
  f.clock.advance(10'000);
  REQUIRE(f.client.process() == Status::ok);
  REQUIRE(f.net.take_sent_packets().size() == 1);  // PINGREQ
  f.clock.advance(100);
  f.net.push(pingresp());
  REQUIRE(f.client.process() == Status::ok);
  // Longer than the PINGRESP timeout, shorter than the keepalive: all quiet.
  f.clock.advance(EDGEHUB_DEVICE_PINGRESP_TIMEOUT_MS + 1'000);
  CHECK(f.client.process() == Status::ok);
  CHECK(f.client.state() == ClientState::connected);
  CHECK(f.net.take_sent_packets().empty());
  f.clock.advance(10'000 - 100 - EDGEHUB_DEVICE_PINGRESP_TIMEOUT_MS - 1'000 + 100);
  REQUIRE(f.client.process() == Status::ok);
  const auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 1);
  CHECK(type_of(sent[0]) == PacketType::pingreq);
}

TEST_CASE("keepalive timing is right across the 32-bit clock wrap") {
  ClientFixture f;
  f.clock.advance(0xFFFFFFFFu - 5'000 - f.clock.now());  // 5 s before the wrap
  f.connect(true, 10);
  f.clock.advance(9'000);  // wrapped
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.net.take_sent_packets().empty());
  f.clock.advance(1'000);
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.net.take_sent_packets().size() == 1);
}

TEST_CASE("a publish's tag is kept with its packet id and given back with its PUBACK") {
  ClientFixture f;
  f.connect(false);
  PublishInfo publish;
  publish.topic = "t";
  publish.qos = QoS::at_least_once;
  std::uint16_t first = 0, second = 0;
  REQUIRE(f.client.publish(publish, &first, 42) == Status::ok);
  REQUIRE(f.client.publish(publish, &second) == Status::ok);  // tag 0
  REQUIRE(f.client.outstanding().find_tag(42) != nullptr);
  CHECK(f.client.outstanding().find_tag(42)->packet_id == first);
  CHECK_FALSE(f.client.outstanding().find_tag(42)->resend);

  // A resumed session marks both for a resend; resend() clears the mark.
  f.client.connection_lost();
  f.connect(false);
  CHECK(f.client.outstanding().find(first)->resend);
  REQUIRE(f.client.resend(publish, first) == Status::ok);
  CHECK_FALSE(f.client.outstanding().find(first)->resend);
  CHECK(f.client.outstanding().find(second)->resend);

  f.net.push(puback(second));
  f.net.push(puback(first));
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.acknowledged == std::vector<std::uint16_t>{second, first});
  CHECK(f.acknowledged_tags == std::vector<std::uint64_t>{0, 42});
  CHECK(f.client.outstanding().find_tag(42) == nullptr);
}

TEST_CASE("the peer closing mid-packet ends the connection; the next one starts clean") {
  ClientFixture f;
  f.connect(false);
  const std::uint16_t unacknowledged = f.publish_qos1();
  const Bytes message = publish_packet("t", "payload", QoS::at_least_once, 5);
  f.net.push(Bytes(message.begin(), message.begin() + 4));
  f.net.closed_after_inbound = true;
  CHECK(f.client.process() == Status::recv_failed);
  CHECK(f.client.state() == ClientState::disconnected);
  CHECK(f.received.empty());
  CHECK(f.client.outstanding().contains(unacknowledged));  // kept for a resend

  // Reconnect: the half packet is gone, the new stream parses from its start.
  f.net.closed_after_inbound = false;
  f.net.outbound.clear();
  f.connect(false);
  f.net.push(message);
  REQUIRE(f.client.process() == Status::ok);
  REQUIRE(f.received.size() == 1);
  CHECK(f.received[0].payload == "payload");
}

TEST_CASE("a send error during publish is reported by the next process()") {
  ClientFixture f;
  f.connect();
  f.net.fail_send = true;
  PublishInfo publish;
  publish.topic = "t";
  CHECK(f.client.publish(publish, nullptr) == Status::ok);
  CHECK(f.client.state() == ClientState::disconnected);
  CHECK(f.client.process() == Status::send_failed);
  CHECK(f.client.process() == Status::not_connected);
}

TEST_CASE(
    "an incoming message larger than the receive buffer is dropped, reported and acknowledged") {
  ClientFixture f(256, 32);
  f.connect();
  f.net.max_recv_per_call = 7;
  f.net.push(publish_packet("t", std::string(100, 'x'), QoS::at_least_once, 77));
  f.net.push(publish_packet("t", "small", QoS::at_least_once, 78));
  for (int round = 0; round < 50 && f.received.empty(); ++round) {
    REQUIRE(f.client.process() == Status::ok);
  }
  REQUIRE(f.dropped.size() == 1);
  CHECK(f.dropped[0].first == Status::packet_too_large);
  CHECK(f.dropped[0].second == 77);
  REQUIRE(f.received.size() == 1);
  CHECK(f.received[0].payload == "small");
  const auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 2);
  CHECK(decode_sent_puback(sent[0]) == 77);
  CHECK(decode_sent_puback(sent[1]) == 78);
  CHECK(f.client.state() == ClientState::connected);
}

TEST_CASE("a packet the server must not send ends the connection with protocol_error") {
  ClientFixture f;
  f.connect();
  f.net.push({0xC0, 0x00});  // PINGREQ from the server
  CHECK(f.client.process() == Status::protocol_error);
  CHECK(f.client.state() == ClientState::disconnected);
}

TEST_CASE("an oversized packet other than PUBLISH ends the connection") {
  ClientFixture f(256, 32);
  f.connect();
  f.net.push({0x90, 0x40});  // a SUBACK claiming 64 bytes
  CHECK(f.client.process() == Status::protocol_error);
}

TEST_CASE("a bad remaining length from the server ends the connection with malformed") {
  ClientFixture f;
  f.connect();
  f.net.push({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});
  CHECK(f.client.process() == Status::malformed);
  CHECK(f.client.state() == ClientState::disconnected);
}

TEST_CASE("a message the callback cannot take yet comes again later and is acknowledged once") {
  ClientFixture f;
  f.connect();
  f.refusals_left = 2;
  f.net.push(publish_packet("t", "m", QoS::at_least_once, 3));
  f.net.push(puback(1));  // behind it: not read while the message waits
  f.publish_qos1();
  (void)f.net.take_sent_packets();
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.received.empty());
  CHECK(f.acknowledged.empty());
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.received.empty());
  REQUIRE(f.client.process() == Status::ok);
  REQUIRE(f.received.size() == 1);
  CHECK(f.acknowledged == std::vector<std::uint16_t>{1});
  const auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 1);
  CHECK(decode_sent_puback(sent[0]) == 3);
}

TEST_CASE("a QoS 1 message waits while there is no room for its PUBACK") {
  ClientFixture f(64);
  f.connect();
  f.net.send_budget = 0;
  PublishInfo publish;
  publish.topic = "t";
  const std::string payload(58, 'p');  // 62 bytes: leaves 2, not enough for a PUBACK
  publish.payload = payload;
  REQUIRE(f.client.publish(publish, nullptr) == Status::ok);
  f.net.push(publish_packet("t", "m", QoS::at_least_once, 4));
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.received.empty());
  f.net.send_budget = 1000;
  REQUIRE(f.client.process() == Status::ok);
  REQUIRE(f.received.size() == 1);
  const auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 2);
  CHECK(decode_sent_puback(sent[1]) == 4);
}

TEST_CASE("resend repeats an outstanding publish with its packet id and the DUP flag") {
  ClientFixture f;
  f.connect(false);
  const std::uint16_t id = f.publish_qos1("again");
  f.client.connection_lost();
  f.net.outbound.clear();
  f.connect(false);
  PublishInfo publish;
  publish.topic = "devices/dev-1/telemetry";
  publish.payload = "again";
  publish.qos = QoS::at_least_once;
  REQUIRE(f.client.resend(publish, id) == Status::ok);
  const auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 1);
  const SentPublish resent = decode_sent_publish(sent[0]);
  CHECK(resent.packet_id == id);
  CHECK(resent.duplicate);
  CHECK(resent.payload == "again");
  CHECK(f.client.resend(publish, static_cast<std::uint16_t>(id + 1)) == Status::not_found);
}

TEST_CASE("a clean session forgets outstanding publishes, a persistent one keeps them") {
  ClientFixture f;
  f.connect(false);
  const std::uint16_t id = f.publish_qos1();
  f.client.connection_lost();
  f.connect(false);
  CHECK(f.client.outstanding().contains(id));
  f.client.connection_lost();
  f.connect(true);
  CHECK(f.client.outstanding().count() == 0);
}

TEST_CASE("subscribe sends SUBSCRIBE and reports the SUBACK") {
  ClientFixture f;
  f.connect();
  const Subscription subscription{"devices/dev-1/commands", QoS::at_least_once};
  std::uint16_t id = 0;
  REQUIRE(f.client.subscribe(&subscription, 1, &id) == Status::ok);
  const auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 1);
  CHECK(type_of(sent[0]) == PacketType::subscribe);
  f.net.push(suback(id));
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.subacks == std::vector<std::uint16_t>{id});
}

TEST_CASE("disconnect sends DISCONNECT and the client is disconnected once it is out") {
  ClientFixture f;
  f.connect();
  f.net.send_budget = 1;
  REQUIRE(f.client.disconnect() == Status::ok);
  CHECK(f.client.state() == ClientState::disconnecting);
  f.net.send_budget = 10;
  REQUIRE(f.client.process() == Status::ok);
  CHECK(f.client.state() == ClientState::disconnected);
  const auto sent = f.net.take_sent_packets();
  REQUIRE(sent.size() == 1);
  CHECK(type_of(sent[0]) == PacketType::disconnect);
}

TEST_CASE("operations need a connection") {
  ClientFixture f;
  PublishInfo publish;
  publish.topic = "t";
  CHECK(f.client.publish(publish, nullptr) == Status::not_connected);
  CHECK(f.client.process() == Status::not_connected);
  const Subscription subscription{"t", QoS::at_least_once};
  CHECK(f.client.subscribe(&subscription, 1, nullptr) == Status::not_connected);
}

TEST_CASE("buffers too small for the protocol are refused at connect") {
  FakeTransport net;
  FakeClock clock;
  std::uint8_t send[8];
  std::uint8_t receive[8];
  std::uint8_t big_receive[64];
  Client client(net.transport(), clock.clock(),
                ClientBuffers{send, sizeof(send), big_receive, sizeof(big_receive)});
  ConnectOptions options;
  options.client_id = "dev-1";
  CHECK(client.connect(options, 1000) == Status::buffer_too_small);
  std::uint8_t big_send[64];
  Client small_receive(net.transport(), clock.clock(),
                       ClientBuffers{big_send, sizeof(big_send), receive, sizeof(receive)});
  CHECK(small_receive.connect(options, 1000) == Status::buffer_too_small);
}

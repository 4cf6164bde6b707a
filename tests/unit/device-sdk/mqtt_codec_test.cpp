// The MQTT 3.1.1 codec: remaining length, serializers, deserializers.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "edgehub/device/mqtt/deserializer.h"
#include "edgehub/device/mqtt/remaining_length.h"
#include "edgehub/device/mqtt/serializer.h"

using namespace edgehub::device;
using namespace edgehub::device::mqtt;
using Bytes = std::vector<std::uint8_t>;

namespace {

Bytes bytes_of(std::initializer_list<int> values) {
  Bytes bytes;
  for (int value : values) bytes.push_back(static_cast<std::uint8_t>(value));
  return bytes;
}

Packet packet_of(const Bytes& bytes) {
  Packet packet;
  std::size_t used = 0;
  REQUIRE(decode_packet(bytes.data(), bytes.size(), &packet, &used) == Status::ok);
  REQUIRE(used == bytes.size());
  return packet;
}

// Runs a serializer into an exactly sized buffer and into one a byte short.
template <typename Serialize>
Bytes serialize_checking_one_byte_short(std::size_t expected_size, Serialize serialize) {
  Bytes exact(expected_size);
  std::size_t written = 0;
  REQUIRE(serialize(exact.data(), exact.size(), &written) == Status::ok);
  CHECK(written == expected_size);
  Bytes short_by_one(expected_size - 1);
  std::size_t untouched = 12345;
  CHECK(serialize(short_by_one.data(), short_by_one.size(), &untouched) ==
        Status::buffer_too_small);
  CHECK(untouched == 12345);
  CHECK(serialize(nullptr, expected_size, &untouched) == Status::buffer_too_small);
  return exact;
}

}  // namespace

TEST_CASE("remaining length round-trips at every encoding boundary") {
  const std::size_t values[] = {0, 1, 127, 128, 16'383, 16'384, 2'097'151, 2'097'152, 268'435'455};
  const std::size_t sizes[] = {1, 1, 1, 2, 2, 3, 3, 4, 4};
  for (std::size_t i = 0; i < std::size(values); ++i) {
    CAPTURE(values[i]);
    std::uint8_t buffer[4];
    std::size_t written = 0;
    REQUIRE(encode_remaining_length(values[i], buffer, sizeof(buffer), &written) == Status::ok);
    CHECK(written == sizes[i]);
    CHECK(remaining_length_size(values[i]) == sizes[i]);
    std::size_t decoded = 0;
    std::size_t used = 0;
    REQUIRE(decode_remaining_length(buffer, written, &decoded, &used) == Status::ok);
    CHECK(decoded == values[i]);
    CHECK(used == written);
    // Every shorter prefix is incomplete, never misread.
    for (std::size_t prefix = 0; prefix < written; ++prefix) {
      CHECK(decode_remaining_length(buffer, prefix, &decoded, &used) == Status::incomplete);
    }
    // And the encoder refuses a buffer one byte short.
    CHECK(encode_remaining_length(values[i], buffer, written - 1, &used) ==
          Status::buffer_too_small);
  }
}

TEST_CASE("remaining length above the MQTT maximum cannot be encoded") {
  std::uint8_t buffer[8];
  std::size_t written = 0;
  CHECK(remaining_length_size(kMaxRemainingLength + 1) == 0);
  CHECK(encode_remaining_length(kMaxRemainingLength + 1, buffer, sizeof(buffer), &written) ==
        Status::bad_parameter);
}

TEST_CASE("a remaining length with a fifth byte or a needlessly long encoding is malformed") {
  std::size_t value = 0;
  std::size_t used = 0;
  const Bytes five = bytes_of({0xFF, 0xFF, 0xFF, 0xFF, 0x01});
  CHECK(decode_remaining_length(five.data(), five.size(), &value, &used) == Status::malformed);
  const Bytes four_continued = bytes_of({0x80, 0x80, 0x80, 0x80});
  CHECK(decode_remaining_length(four_continued.data(), 4, &value, &used) == Status::malformed);
  const Bytes padded_zero = bytes_of({0x80, 0x00});
  CHECK(decode_remaining_length(padded_zero.data(), 2, &value, &used) == Status::malformed);
}

TEST_CASE("CONNECT with client id, persistent session and keepalive is byte-exact") {
  ConnectOptions options;
  options.client_id = "d1";
  options.clean_session = false;
  options.keepalive_seconds = 30;
  const Bytes expected = bytes_of(
      {0x10, 0x0E, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x00, 0x00, 0x1E, 0x00, 0x02, 'd', '1'});
  CHECK(connect_size(options) == expected.size());
  const Bytes actual = serialize_checking_one_byte_short(
      expected.size(), [&](std::uint8_t* buffer, std::size_t capacity, std::size_t* written) {
        return serialize_connect(options, buffer, capacity, written);
      });
  CHECK(actual == expected);
}

TEST_CASE("CONNECT with will, username and password sets every flag and orders the payload") {
  Will will;
  will.topic = "w";
  will.payload = "x";
  will.qos = QoS::at_least_once;
  will.retain = true;
  ConnectOptions options;
  options.client_id = "d1";
  options.clean_session = true;
  options.keepalive_seconds = 60;
  options.username = "u";
  options.password = "p";
  options.will = &will;
  const Bytes expected =
      bytes_of({0x10, 0x1A, 0x00, 0x04, 'M', 'Q',  'T',  'T', 0x04, 0xEE, 0x00, 0x3C, 0x00, 0x02,
                'd',  '1',  0x00, 0x01, 'w', 0x00, 0x01, 'x', 0x00, 0x01, 'u',  0x00, 0x01, 'p'});
  const Bytes actual = serialize_checking_one_byte_short(
      expected.size(), [&](std::uint8_t* buffer, std::size_t capacity, std::size_t* written) {
        return serialize_connect(options, buffer, capacity, written);
      });
  CHECK(actual == expected);
}

TEST_CASE("CONNECT refuses options MQTT 3.1.1 does not allow") {
  std::uint8_t buffer[64];
  std::size_t written = 0;
  ConnectOptions no_id;
  no_id.clean_session = false;  // an empty client id needs a clean session
  CHECK(serialize_connect(no_id, buffer, sizeof(buffer), &written) == Status::bad_parameter);
  ConnectOptions password_only;
  password_only.client_id = "d";
  password_only.password = "p";
  CHECK(serialize_connect(password_only, buffer, sizeof(buffer), &written) ==
        Status::bad_parameter);
  Will wildcard_will;
  wildcard_will.topic = "a/#";
  ConnectOptions bad_will;
  bad_will.client_id = "d";
  bad_will.will = &wildcard_will;
  CHECK(serialize_connect(bad_will, buffer, sizeof(buffer), &written) == Status::bad_parameter);
  const std::string long_id(70'000, 'x');
  ConnectOptions long_client_id;
  long_client_id.client_id = long_id;
  CHECK(connect_size(long_client_id) == 0);
}

TEST_CASE("PUBLISH QoS 1 with DUP and retain round-trips through the deserializer") {
  PublishInfo sent;
  sent.topic = "devices/d1/telemetry";
  sent.payload = R"({"seq":1})";
  sent.qos = QoS::at_least_once;
  sent.duplicate = true;
  sent.retain = true;
  const Bytes bytes = serialize_checking_one_byte_short(
      publish_size(sent), [&](std::uint8_t* buffer, std::size_t capacity, std::size_t* written) {
        return serialize_publish(sent, 513, buffer, capacity, written);
      });
  CHECK(bytes[0] == 0x3B);
  PublishInfo received;
  std::uint16_t id = 0;
  REQUIRE(deserialize_publish(packet_of(bytes), &received, &id) == Status::ok);
  CHECK(received.topic == sent.topic);
  CHECK(received.payload == sent.payload);
  CHECK(received.qos == QoS::at_least_once);
  CHECK(received.duplicate);
  CHECK(received.retain);
  CHECK(id == 513);
}

TEST_CASE("PUBLISH QoS 0 has no packet id and may have an empty payload") {
  PublishInfo sent;
  sent.topic = "t";
  const Bytes expected = bytes_of({0x30, 0x03, 0x00, 0x01, 't'});
  const Bytes bytes = serialize_checking_one_byte_short(
      expected.size(), [&](std::uint8_t* buffer, std::size_t capacity, std::size_t* written) {
        return serialize_publish(sent, 0, buffer, capacity, written);
      });
  CHECK(bytes == expected);
  PublishInfo received;
  std::uint16_t id = 99;
  REQUIRE(deserialize_publish(packet_of(bytes), &received, &id) == Status::ok);
  CHECK(id == 0);
  CHECK(received.payload.empty());
  CHECK(received.qos == QoS::at_most_once);
}

TEST_CASE("PUBLISH with a payload needing a multi-byte remaining length round-trips") {
  const std::string payload(20'000, 'p');
  PublishInfo sent;
  sent.topic = "t";
  sent.payload = payload;
  sent.qos = QoS::at_least_once;
  Bytes bytes(publish_size(sent));
  std::size_t written = 0;
  REQUIRE(serialize_publish(sent, 1, bytes.data(), bytes.size(), &written) == Status::ok);
  CHECK(written == 1 + 3 + 2 + 1 + 2 + payload.size());
  PublishInfo received;
  std::uint16_t id = 0;
  REQUIRE(deserialize_publish(packet_of(bytes), &received, &id) == Status::ok);
  CHECK(received.payload == payload);
}

TEST_CASE("PUBLISH refuses wildcards, QoS 0 with DUP and QoS 1 without a packet id") {
  std::uint8_t buffer[64];
  std::size_t written = 0;
  PublishInfo wildcard;
  wildcard.topic = "devices/+/telemetry";
  CHECK(serialize_publish(wildcard, 0, buffer, sizeof(buffer), &written) == Status::bad_parameter);
  PublishInfo empty_topic;
  CHECK(serialize_publish(empty_topic, 0, buffer, sizeof(buffer), &written) ==
        Status::bad_parameter);
  PublishInfo dup_qos0;
  dup_qos0.topic = "t";
  dup_qos0.duplicate = true;
  CHECK(serialize_publish(dup_qos0, 0, buffer, sizeof(buffer), &written) == Status::bad_parameter);
  PublishInfo qos1;
  qos1.topic = "t";
  qos1.qos = QoS::at_least_once;
  CHECK(serialize_publish(qos1, 0, buffer, sizeof(buffer), &written) == Status::bad_parameter);
}

TEST_CASE("PUBACK, PINGREQ and DISCONNECT are byte-exact and refuse a buffer one byte short") {
  const Bytes puback = serialize_checking_one_byte_short(
      kPubackSize, [](std::uint8_t* buffer, std::size_t capacity, std::size_t* written) {
        return serialize_puback(0x0105, buffer, capacity, written);
      });
  CHECK(puback == bytes_of({0x40, 0x02, 0x01, 0x05}));
  std::uint16_t id = 0;
  REQUIRE(deserialize_ack(packet_of(puback), &id) == Status::ok);
  CHECK(id == 0x0105);

  const Bytes pingreq = serialize_checking_one_byte_short(
      kPingreqSize, [](std::uint8_t* buffer, std::size_t capacity, std::size_t* written) {
        return serialize_pingreq(buffer, capacity, written);
      });
  CHECK(pingreq == bytes_of({0xC0, 0x00}));
  const Bytes disconnect = serialize_checking_one_byte_short(
      kDisconnectSize, [](std::uint8_t* buffer, std::size_t capacity, std::size_t* written) {
        return serialize_disconnect(buffer, capacity, written);
      });
  CHECK(disconnect == bytes_of({0xE0, 0x00}));

  std::uint8_t buffer[8];
  std::size_t written = 0;
  CHECK(serialize_puback(0, buffer, sizeof(buffer), &written) == Status::bad_parameter);
}

TEST_CASE("SUBSCRIBE and UNSUBSCRIBE are byte-exact and refuse a buffer one byte short") {
  const Subscription subscription{"a/b", QoS::at_least_once};
  const Bytes subscribe = serialize_checking_one_byte_short(
      subscribe_size(&subscription, 1),
      [&](std::uint8_t* buffer, std::size_t capacity, std::size_t* written) {
        return serialize_subscribe(&subscription, 1, 10, buffer, capacity, written);
      });
  CHECK(subscribe == bytes_of({0x82, 0x08, 0x00, 0x0A, 0x00, 0x03, 'a', '/', 'b', 0x01}));

  const std::string_view filter = "a/b";
  const Bytes unsubscribe = serialize_checking_one_byte_short(
      unsubscribe_size(&filter, 1),
      [&](std::uint8_t* buffer, std::size_t capacity, std::size_t* written) {
        return serialize_unsubscribe(&filter, 1, 11, buffer, capacity, written);
      });
  CHECK(unsubscribe == bytes_of({0xA2, 0x07, 0x00, 0x0B, 0x00, 0x03, 'a', '/', 'b'}));

  std::uint8_t buffer[32];
  std::size_t written = 0;
  CHECK(serialize_subscribe(&subscription, 0, 10, buffer, sizeof(buffer), &written) ==
        Status::bad_parameter);
  CHECK(serialize_subscribe(&subscription, 1, 0, buffer, sizeof(buffer), &written) ==
        Status::bad_parameter);
}

TEST_CASE("CONNACK is read with its session flag and return code") {
  Connack connack;
  REQUIRE(deserialize_connack(packet_of(bytes_of({0x20, 0x02, 0x01, 0x00})), &connack) ==
          Status::ok);
  CHECK(connack.session_present);
  CHECK(connack.return_code == 0);
  REQUIRE(deserialize_connack(packet_of(bytes_of({0x20, 0x02, 0x00, 0x05})), &connack) ==
          Status::ok);
  CHECK(connack.return_code == 5);
}

TEST_CASE("malformed CONNACK, PUBACK, SUBACK and PINGRESP packets are refused") {
  Connack connack;
  std::uint16_t id = 0;
  Suback suback;
  // CONNACK: reserved flag bits, unknown return code, refused yet session present, wrong length.
  CHECK(deserialize_connack(packet_of(bytes_of({0x20, 0x02, 0x02, 0x00})), &connack) ==
        Status::malformed);
  CHECK(deserialize_connack(packet_of(bytes_of({0x20, 0x02, 0x00, 0x06})), &connack) ==
        Status::malformed);
  CHECK(deserialize_connack(packet_of(bytes_of({0x20, 0x02, 0x01, 0x05})), &connack) ==
        Status::malformed);
  CHECK(deserialize_connack(packet_of(bytes_of({0x20, 0x03, 0x00, 0x00, 0x00})), &connack) ==
        Status::malformed);
  CHECK(deserialize_connack(packet_of(bytes_of({0x21, 0x02, 0x00, 0x00})), &connack) ==
        Status::malformed);
  // PUBACK: wrong length, flags set, packet id 0.
  CHECK(deserialize_ack(packet_of(bytes_of({0x40, 0x03, 0x00, 0x01, 0x00})), &id) ==
        Status::malformed);
  CHECK(deserialize_ack(packet_of(bytes_of({0x42, 0x02, 0x00, 0x01})), &id) == Status::malformed);
  CHECK(deserialize_ack(packet_of(bytes_of({0x40, 0x02, 0x00, 0x00})), &id) == Status::malformed);
  // SUBACK: unknown return code, no return code.
  CHECK(deserialize_suback(packet_of(bytes_of({0x90, 0x03, 0x00, 0x01, 0x03})), &suback) ==
        Status::malformed);
  CHECK(deserialize_suback(packet_of(bytes_of({0x90, 0x02, 0x00, 0x01})), &suback) ==
        Status::malformed);
  const Bytes two_codes = bytes_of({0x90, 0x04, 0x00, 0x01, 0x01, 0x80});
  REQUIRE(deserialize_suback(packet_of(two_codes), &suback) == Status::ok);
  CHECK(suback.return_code_count == 2);
  CHECK(suback.return_codes[1] == kSubackFailure);
  // PINGRESP with a body.
  CHECK(deserialize_pingresp(packet_of(bytes_of({0xD0, 0x01, 0x00}))) == Status::malformed);
}

TEST_CASE("malformed PUBLISH packets are refused without reading outside them") {
  PublishInfo publish;
  std::uint16_t id = 0;
  // Topic length larger than the packet.
  CHECK(deserialize_publish(packet_of(bytes_of({0x30, 0x03, 0x00, 0x05, 't'})), &publish, &id) ==
        Status::malformed);
  // Empty topic.
  CHECK(deserialize_publish(packet_of(bytes_of({0x30, 0x02, 0x00, 0x00})), &publish, &id) ==
        Status::malformed);
  // QoS 1 without room for the packet id, and with packet id 0.
  CHECK(deserialize_publish(packet_of(bytes_of({0x32, 0x04, 0x00, 0x01, 't', 0x00})), &publish,
                            &id) == Status::malformed);
  CHECK(deserialize_publish(packet_of(bytes_of({0x32, 0x05, 0x00, 0x01, 't', 0x00, 0x00})),
                            &publish, &id) == Status::malformed);
  // QoS 2 (never granted to this client) and QoS 3 (invalid).
  CHECK(deserialize_publish(packet_of(bytes_of({0x34, 0x05, 0x00, 0x01, 't', 0x00, 0x01})),
                            &publish, &id) == Status::malformed);
  CHECK(deserialize_publish(packet_of(bytes_of({0x36, 0x05, 0x00, 0x01, 't', 0x00, 0x01})),
                            &publish, &id) == Status::malformed);
  // DUP on QoS 0.
  CHECK(deserialize_publish(packet_of(bytes_of({0x38, 0x03, 0x00, 0x01, 't'})), &publish, &id) ==
        Status::malformed);
  // Body shorter than a topic length.
  CHECK(deserialize_publish(packet_of(bytes_of({0x30, 0x01, 0x00})), &publish, &id) ==
        Status::malformed);
}

TEST_CASE("decode_packet reports every truncation of a packet as incomplete") {
  const Bytes whole = bytes_of({0x32, 0x07, 0x00, 0x01, 't', 0x00, 0x05, 'h', 'i'});
  for (std::size_t length = 0; length < whole.size(); ++length) {
    CAPTURE(length);
    const Bytes truncated(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(length));
    Packet packet;
    std::size_t used = 0;
    CHECK(decode_packet(truncated.data(), truncated.size(), &packet, &used) == Status::incomplete);
  }
}

TEST_CASE("random bytes never crash the decoder and deserializers") {
  std::mt19937 random(12345);
  for (int round = 0; round < 20'000; ++round) {
    Bytes bytes(random() % 12);
    for (auto& byte : bytes) byte = static_cast<std::uint8_t>(random());
    Packet packet;
    std::size_t used = 0;
    const Status status = decode_packet(bytes.data(), bytes.size(), &packet, &used);
    CHECK((status == Status::ok || status == Status::incomplete || status == Status::malformed));
    if (status != Status::ok) continue;
    CHECK(used <= bytes.size());
    PublishInfo publish;
    Connack connack;
    Suback suback;
    std::uint16_t id = 0;
    (void)deserialize_publish(packet, &publish, &id);
    (void)deserialize_connack(packet, &connack);
    (void)deserialize_suback(packet, &suback);
    (void)deserialize_ack(packet, &id);
    if (deserialize_publish(packet, &publish, &id) == Status::ok) {
      const auto* begin = reinterpret_cast<const char*>(bytes.data());
      CHECK(publish.payload.data() + publish.payload.size() <= begin + bytes.size());
    }
  }
}

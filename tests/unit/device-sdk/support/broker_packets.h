// Packets a broker sends, as bytes, for feeding a FakeTransport; and helpers
// to look into packets the client sent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "edgehub/device/mqtt/deserializer.h"
#include "edgehub/device/mqtt/serializer.h"
#include "support/fake_transport.h"

namespace edgehub::device::testing {

inline Bytes connack(bool session_present = false, std::uint8_t return_code = 0) {
  return {0x20, 0x02, static_cast<std::uint8_t>(session_present ? 1 : 0), return_code};
}

inline Bytes puback(std::uint16_t packet_id) {
  return {0x40, 0x02, static_cast<std::uint8_t>(packet_id >> 8),
          static_cast<std::uint8_t>(packet_id & 0xFF)};
}

inline Bytes suback(std::uint16_t packet_id, std::uint8_t code = 1) {
  return {0x90, 0x03, static_cast<std::uint8_t>(packet_id >> 8),
          static_cast<std::uint8_t>(packet_id & 0xFF), code};
}

// A SUBACK granting QoS 1 to `count` filters, the one at `failed_index` (if
// below count) refused.
inline Bytes suback_for(std::uint16_t packet_id, std::size_t count,
                        std::size_t failed_index = SIZE_MAX) {
  Bytes bytes{0x90, static_cast<std::uint8_t>(2 + count), static_cast<std::uint8_t>(packet_id >> 8),
              static_cast<std::uint8_t>(packet_id & 0xFF)};
  for (std::size_t i = 0; i < count; ++i) bytes.push_back(i == failed_index ? 0x80 : 0x01);
  return bytes;
}

inline Bytes pingresp() { return {0xD0, 0x00}; }

// PUBLISH is the same packet in both directions: the SDK's serializer builds it.
inline Bytes publish_packet(std::string_view topic, std::string_view payload,
                            mqtt::QoS qos = mqtt::QoS::at_least_once, std::uint16_t packet_id = 7,
                            bool duplicate = false) {
  mqtt::PublishInfo info;
  info.topic = topic;
  info.payload = payload;
  info.qos = qos;
  info.duplicate = duplicate;
  Bytes bytes(mqtt::publish_size(info));
  std::size_t written = 0;
  (void)mqtt::serialize_publish(info, packet_id, bytes.data(), bytes.size(), &written);
  return bytes;
}

inline mqtt::PacketType type_of(const Bytes& packet) {
  return static_cast<mqtt::PacketType>(packet.at(0) >> 4);
}

struct SentPublish {
  std::string topic;
  std::string payload;
  mqtt::QoS qos = mqtt::QoS::at_most_once;
  bool duplicate = false;
  std::uint16_t packet_id = 0;
};

// Decodes a PUBLISH the client sent; empty topic if it is not one.
inline SentPublish decode_sent_publish(const Bytes& bytes) {
  SentPublish result;
  mqtt::Packet packet;
  std::size_t used = 0;
  mqtt::PublishInfo info;
  if (mqtt::decode_packet(bytes.data(), bytes.size(), &packet, &used) != Status::ok ||
      mqtt::deserialize_publish(packet, &info, &result.packet_id) != Status::ok) {
    return result;
  }
  result.topic = std::string(info.topic);
  result.payload = std::string(info.payload);
  result.qos = info.qos;
  result.duplicate = info.duplicate;
  return result;
}

// The packet id of a PUBACK the client sent, 0 if it is not one.
inline std::uint16_t decode_sent_puback(const Bytes& bytes) {
  mqtt::Packet packet;
  std::size_t used = 0;
  std::uint16_t id = 0;
  if (mqtt::decode_packet(bytes.data(), bytes.size(), &packet, &used) != Status::ok ||
      packet.type() != mqtt::PacketType::puback ||
      mqtt::deserialize_ack(packet, &id) != Status::ok) {
    return 0;
  }
  return id;
}

}  // namespace edgehub::device::testing

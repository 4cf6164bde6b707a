#include "edgehub/device/mqtt/deserializer.h"

#include "edgehub/device/mqtt/remaining_length.h"

namespace edgehub::device::mqtt {
namespace {

std::uint16_t read_u16(const std::uint8_t* data) noexcept {
  return static_cast<std::uint16_t>((data[0] << 8) | data[1]);
}

bool has_type(const Packet& packet, PacketType type, std::uint8_t flags) noexcept {
  return packet.type() == type && packet.flags() == flags;
}

}  // namespace

Status decode_fixed_header(const std::uint8_t* data, std::size_t length,
                           FixedHeader* header) noexcept {
  if (header == nullptr || (data == nullptr && length > 0)) return Status::bad_parameter;
  if (length < 2) return Status::incomplete;
  std::size_t remaining = 0;
  std::size_t used = 0;
  const Status status = decode_remaining_length(data + 1, length - 1, &remaining, &used);
  if (status != Status::ok) return status;
  header->first_byte = data[0];
  header->remaining_length = remaining;
  header->header_length = 1 + used;
  return Status::ok;
}

Status decode_packet(const std::uint8_t* data, std::size_t length, Packet* packet,
                     std::size_t* used) noexcept {
  if (packet == nullptr || used == nullptr) return Status::bad_parameter;
  FixedHeader header;
  const Status status = decode_fixed_header(data, length, &header);
  if (status != Status::ok) return status;
  if (length - header.header_length < header.remaining_length) return Status::incomplete;
  packet->first_byte = header.first_byte;
  packet->body = data + header.header_length;
  packet->body_length = header.remaining_length;
  *used = header.header_length + header.remaining_length;
  return Status::ok;
}

Status deserialize_connack(const Packet& packet, Connack* connack) noexcept {
  if (connack == nullptr) return Status::bad_parameter;
  if (!has_type(packet, PacketType::connack, 0) || packet.body_length != 2) {
    return Status::malformed;
  }
  const std::uint8_t acknowledge_flags = packet.body[0];
  const std::uint8_t return_code = packet.body[1];
  if ((acknowledge_flags & 0xFE) != 0) return Status::malformed;  // reserved bits
  if (return_code > static_cast<std::uint8_t>(ConnackCode::not_authorized)) {
    return Status::malformed;
  }
  // A refused connection never has a session [MQTT-3.2.2-4].
  if (return_code != 0 && acknowledge_flags != 0) return Status::malformed;
  connack->session_present = acknowledge_flags == 1;
  connack->return_code = return_code;
  return Status::ok;
}

Status deserialize_publish(const Packet& packet, PublishInfo* publish,
                           std::uint16_t* packet_id) noexcept {
  if (publish == nullptr || packet_id == nullptr) return Status::bad_parameter;
  if (packet.type() != PacketType::publish) return Status::malformed;
  const std::uint8_t flags = packet.flags();
  const std::uint8_t qos = (flags >> 1) & 0x03;
  const bool duplicate = (flags & 0x08) != 0;
  if (qos > 1) return Status::malformed;  // QoS 2 is never granted to this client; 3 is invalid
  if (qos == 0 && duplicate) return Status::malformed;
  if (packet.body_length < 2) return Status::malformed;
  const std::size_t topic_length = read_u16(packet.body);
  std::size_t at = 2 + topic_length;
  if (topic_length == 0 || at > packet.body_length) return Status::malformed;
  std::uint16_t id = 0;
  if (qos == 1) {
    if (packet.body_length - at < 2) return Status::malformed;
    id = read_u16(packet.body + at);
    if (id == 0) return Status::malformed;
    at += 2;
  }
  publish->topic = std::string_view(reinterpret_cast<const char*>(packet.body + 2), topic_length);
  publish->payload =
      std::string_view(reinterpret_cast<const char*>(packet.body + at), packet.body_length - at);
  publish->qos = static_cast<QoS>(qos);
  publish->retain = (flags & 0x01) != 0;
  publish->duplicate = duplicate;
  *packet_id = id;
  return Status::ok;
}

Status deserialize_ack(const Packet& packet, std::uint16_t* packet_id) noexcept {
  if (packet_id == nullptr) return Status::bad_parameter;
  const bool is_ack =
      has_type(packet, PacketType::puback, 0) || has_type(packet, PacketType::unsuback, 0);
  if (!is_ack || packet.body_length != 2) return Status::malformed;
  const std::uint16_t id = read_u16(packet.body);
  if (id == 0) return Status::malformed;
  *packet_id = id;
  return Status::ok;
}

Status deserialize_suback(const Packet& packet, Suback* suback) noexcept {
  if (suback == nullptr) return Status::bad_parameter;
  if (!has_type(packet, PacketType::suback, 0) || packet.body_length < 3) {
    return Status::malformed;
  }
  const std::uint16_t id = read_u16(packet.body);
  if (id == 0) return Status::malformed;
  for (std::size_t i = 2; i < packet.body_length; ++i) {
    const std::uint8_t code = packet.body[i];
    if (code > 2 && code != kSubackFailure) return Status::malformed;
  }
  suback->packet_id = id;
  suback->return_codes = packet.body + 2;
  suback->return_code_count = packet.body_length - 2;
  return Status::ok;
}

Status deserialize_pingresp(const Packet& packet) noexcept {
  return has_type(packet, PacketType::pingresp, 0) && packet.body_length == 0 ? Status::ok
                                                                              : Status::malformed;
}

}  // namespace edgehub::device::mqtt

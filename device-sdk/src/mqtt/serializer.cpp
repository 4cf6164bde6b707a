#include "edgehub/device/mqtt/serializer.h"

#include "edgehub/device/mqtt/remaining_length.h"
#include "mqtt/byte_writer.h"

namespace edgehub::device::mqtt {
namespace {

using detail::ByteWriter;

constexpr std::uint8_t kProtocolLevel311 = 4;
constexpr std::string_view kProtocolName = "MQTT";

constexpr std::uint8_t kConnectFlagCleanSession = 0x02;
constexpr std::uint8_t kConnectFlagWill = 0x04;
constexpr std::uint8_t kConnectFlagWillRetain = 0x20;
constexpr std::uint8_t kConnectFlagPassword = 0x40;
constexpr std::uint8_t kConnectFlagUsername = 0x80;

bool is_supported_qos(QoS qos) noexcept {
  return qos == QoS::at_most_once || qos == QoS::at_least_once;
}

bool fits_string(std::string_view text) noexcept { return text.size() <= kMaxStringLength; }

std::uint8_t first_byte(PacketType type, std::uint8_t flags) noexcept {
  return static_cast<std::uint8_t>((static_cast<std::uint8_t>(type) << 4) | flags);
}

// Whole packet length for a remaining length, 0 if it cannot be encoded.
std::size_t packet_size(std::size_t remaining) noexcept {
  const std::size_t field = remaining_length_size(remaining);
  return field == 0 ? 0 : 1 + field + remaining;
}

// Checks the packet and the capacity, then writes the fixed header. remaining
// is 0 for an invalid packet (every packet written this way has a body).
Status begin_packet(std::uint8_t first, std::size_t remaining, std::uint8_t* buffer,
                    std::size_t capacity, std::size_t* written, ByteWriter& writer) noexcept {
  const std::size_t size = remaining == 0 ? 0 : packet_size(remaining);
  if (size == 0 || written == nullptr) return Status::bad_parameter;
  if (buffer == nullptr || capacity < size) return Status::buffer_too_small;
  writer.byte(first);
  std::size_t field = 0;
  (void)encode_remaining_length(remaining, writer.cursor(), capacity - 1, &field);
  writer.advance(field);
  return Status::ok;
}

std::size_t connect_remaining(const ConnectOptions& options) noexcept {
  if (!fits_string(options.client_id)) return 0;
  if (options.client_id.empty() && !options.clean_session) return 0;
  if (options.password && !options.username) return 0;
  std::size_t remaining = 2 + kProtocolName.size() + 1 + 1 + 2 + 2 + options.client_id.size();
  if (options.will != nullptr) {
    const Will& will = *options.will;
    if (!is_valid_publish_topic(will.topic) || !fits_string(will.payload) ||
        !is_supported_qos(will.qos)) {
      return 0;
    }
    remaining += 2 + will.topic.size() + 2 + will.payload.size();
  }
  if (options.username) {
    if (!fits_string(*options.username)) return 0;
    remaining += 2 + options.username->size();
  }
  if (options.password) {
    if (!fits_string(*options.password)) return 0;
    remaining += 2 + options.password->size();
  }
  return remaining;
}

std::size_t publish_remaining(const PublishInfo& publish) noexcept {
  if (!is_valid_publish_topic(publish.topic) || !is_supported_qos(publish.qos)) return 0;
  if (publish.duplicate && publish.qos == QoS::at_most_once) return 0;  // [MQTT-3.3.1-2]
  const std::size_t packet_id = publish.qos == QoS::at_most_once ? 0 : 2;
  return 2 + publish.topic.size() + packet_id + publish.payload.size();
}

std::size_t subscribe_remaining(const Subscription* subscriptions, std::size_t count) noexcept {
  if (subscriptions == nullptr || count == 0) return 0;
  std::size_t remaining = 2;
  for (std::size_t i = 0; i < count; ++i) {
    if (!is_valid_topic_filter(subscriptions[i].filter) ||
        !is_supported_qos(subscriptions[i].qos)) {
      return 0;
    }
    remaining += 2 + subscriptions[i].filter.size() + 1;
  }
  return remaining;
}

std::size_t unsubscribe_remaining(const std::string_view* filters, std::size_t count) noexcept {
  if (filters == nullptr || count == 0) return 0;
  std::size_t remaining = 2;
  for (std::size_t i = 0; i < count; ++i) {
    if (!is_valid_topic_filter(filters[i])) return 0;
    remaining += 2 + filters[i].size();
  }
  return remaining;
}

// PUBACK, PINGREQ, DISCONNECT, checked.
Status serialize_short(PacketType type, std::uint16_t packet_id, std::size_t size,
                       std::uint8_t* buffer, std::size_t capacity, std::size_t* written) noexcept {
  if (written == nullptr) return Status::bad_parameter;
  if (buffer == nullptr || capacity < size) return Status::buffer_too_small;
  *written = write_short_packet(type, packet_id, buffer);
  return Status::ok;
}

}  // namespace

bool is_valid_publish_topic(std::string_view topic) noexcept {
  if (topic.empty() || topic.size() > kMaxStringLength) return false;
  for (char c : topic) {
    if (c == '+' || c == '#' || c == '\0') return false;
  }
  return true;
}

bool is_valid_topic_filter(std::string_view filter) noexcept {
  if (filter.empty() || filter.size() > kMaxStringLength) return false;
  for (char c : filter) {
    if (c == '\0') return false;
  }
  return true;
}

std::size_t connect_size(const ConnectOptions& options) noexcept {
  const std::size_t remaining = connect_remaining(options);
  return remaining == 0 ? 0 : packet_size(remaining);
}

Status serialize_connect(const ConnectOptions& options, std::uint8_t* buffer, std::size_t capacity,
                         std::size_t* written) noexcept {
  const std::size_t remaining = connect_remaining(options);
  ByteWriter writer(buffer);
  const Status status = begin_packet(first_byte(PacketType::connect, 0), remaining, buffer,
                                     capacity, written, writer);
  if (status != Status::ok) return status;

  std::uint8_t flags = 0;
  if (options.clean_session) flags |= kConnectFlagCleanSession;
  if (options.will != nullptr) {
    flags |= kConnectFlagWill;
    flags |= static_cast<std::uint8_t>(static_cast<std::uint8_t>(options.will->qos) << 3);
    if (options.will->retain) flags |= kConnectFlagWillRetain;
  }
  if (options.username) flags |= kConnectFlagUsername;
  if (options.password) flags |= kConnectFlagPassword;

  writer.string(kProtocolName);
  writer.byte(kProtocolLevel311);
  writer.byte(flags);
  writer.u16(options.keepalive_seconds);
  writer.string(options.client_id);
  if (options.will != nullptr) {
    writer.string(options.will->topic);
    writer.string(options.will->payload);
  }
  if (options.username) writer.string(*options.username);
  if (options.password) writer.string(*options.password);
  *written = writer.written();
  return Status::ok;
}

std::size_t publish_size(const PublishInfo& publish) noexcept {
  const std::size_t remaining = publish_remaining(publish);
  return remaining == 0 ? 0 : packet_size(remaining);
}

Status serialize_publish(const PublishInfo& publish, std::uint16_t packet_id, std::uint8_t* buffer,
                         std::size_t capacity, std::size_t* written) noexcept {
  std::size_t remaining = publish_remaining(publish);
  if (publish.qos == QoS::at_least_once && packet_id == 0) remaining = 0;
  std::uint8_t flags = static_cast<std::uint8_t>(static_cast<std::uint8_t>(publish.qos) << 1);
  if (publish.duplicate) flags |= 0x08;
  if (publish.retain) flags |= 0x01;
  ByteWriter writer(buffer);
  const Status status = begin_packet(first_byte(PacketType::publish, flags), remaining, buffer,
                                     capacity, written, writer);
  if (status != Status::ok) return status;
  writer.string(publish.topic);
  if (publish.qos != QoS::at_most_once) writer.u16(packet_id);
  writer.bytes(publish.payload);
  *written = writer.written();
  return Status::ok;
}

Status serialize_puback(std::uint16_t packet_id, std::uint8_t* buffer, std::size_t capacity,
                        std::size_t* written) noexcept {
  if (packet_id == 0) return Status::bad_parameter;
  return serialize_short(PacketType::puback, packet_id, kPubackSize, buffer, capacity, written);
}

std::size_t subscribe_size(const Subscription* subscriptions, std::size_t count) noexcept {
  const std::size_t remaining = subscribe_remaining(subscriptions, count);
  return remaining == 0 ? 0 : packet_size(remaining);
}

Status serialize_subscribe(const Subscription* subscriptions, std::size_t count,
                           std::uint16_t packet_id, std::uint8_t* buffer, std::size_t capacity,
                           std::size_t* written) noexcept {
  std::size_t remaining = subscribe_remaining(subscriptions, count);
  if (packet_id == 0) remaining = 0;
  ByteWriter writer(buffer);
  // Bits 3..0 of SUBSCRIBE's fixed header are reserved as 0010 [MQTT-3.8.1-1].
  const Status status = begin_packet(first_byte(PacketType::subscribe, 0x02), remaining, buffer,
                                     capacity, written, writer);
  if (status != Status::ok) return status;
  writer.u16(packet_id);
  for (std::size_t i = 0; i < count; ++i) {
    writer.string(subscriptions[i].filter);
    writer.byte(static_cast<std::uint8_t>(subscriptions[i].qos));
  }
  *written = writer.written();
  return Status::ok;
}

std::size_t unsubscribe_size(const std::string_view* filters, std::size_t count) noexcept {
  const std::size_t remaining = unsubscribe_remaining(filters, count);
  return remaining == 0 ? 0 : packet_size(remaining);
}

Status serialize_unsubscribe(const std::string_view* filters, std::size_t count,
                             std::uint16_t packet_id, std::uint8_t* buffer, std::size_t capacity,
                             std::size_t* written) noexcept {
  std::size_t remaining = unsubscribe_remaining(filters, count);
  if (packet_id == 0) remaining = 0;
  ByteWriter writer(buffer);
  const Status status = begin_packet(first_byte(PacketType::unsubscribe, 0x02), remaining, buffer,
                                     capacity, written, writer);
  if (status != Status::ok) return status;
  writer.u16(packet_id);
  for (std::size_t i = 0; i < count; ++i) writer.string(filters[i]);
  *written = writer.written();
  return Status::ok;
}

// A fixed header, then the packet id if there is one.
std::size_t write_short_packet(PacketType type, std::uint16_t packet_id,
                               std::uint8_t* out) noexcept {
  const std::size_t size = packet_id == 0 ? 2 : kPubackSize;
  ByteWriter writer(out);
  writer.byte(first_byte(type, 0));
  writer.byte(static_cast<std::uint8_t>(size - 2));
  if (packet_id != 0) writer.u16(packet_id);
  return size;
}

Status serialize_pingreq(std::uint8_t* buffer, std::size_t capacity,
                         std::size_t* written) noexcept {
  return serialize_short(PacketType::pingreq, 0, kPingreqSize, buffer, capacity, written);
}

Status serialize_disconnect(std::uint8_t* buffer, std::size_t capacity,
                            std::size_t* written) noexcept {
  return serialize_short(PacketType::disconnect, 0, kDisconnectSize, buffer, capacity, written);
}

}  // namespace edgehub::device::mqtt

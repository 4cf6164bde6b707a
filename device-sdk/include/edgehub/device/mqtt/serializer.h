// MQTT 3.1.1 serializers for the packets a client sends. Pure: each writes one
// whole packet into the caller's buffer and reports its length.
//
// Common results: ok (*written set), bad_parameter (invalid options: empty or
// oversized strings, wildcard in a publish topic, QoS 2, packet id 0 where one
// is needed), buffer_too_small (nothing useful is left in the buffer).
// *_size() functions return the exact packet length, or 0 for invalid options,
// so callers can size buffers ahead.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/mqtt/packets.h"
#include "edgehub/device/status.h"

namespace edgehub::device::mqtt {

std::size_t connect_size(const ConnectOptions& options) noexcept;
Status serialize_connect(const ConnectOptions& options, std::uint8_t* buffer, std::size_t capacity,
                         std::size_t* written) noexcept;

// packet_id is ignored for QoS 0 and must not be 0 for QoS 1.
std::size_t publish_size(const PublishInfo& publish) noexcept;
Status serialize_publish(const PublishInfo& publish, std::uint16_t packet_id, std::uint8_t* buffer,
                         std::size_t capacity, std::size_t* written) noexcept;

inline constexpr std::size_t kPubackSize = 4;
Status serialize_puback(std::uint16_t packet_id, std::uint8_t* buffer, std::size_t capacity,
                        std::size_t* written) noexcept;

std::size_t subscribe_size(const Subscription* subscriptions, std::size_t count) noexcept;
Status serialize_subscribe(const Subscription* subscriptions, std::size_t count,
                           std::uint16_t packet_id, std::uint8_t* buffer, std::size_t capacity,
                           std::size_t* written) noexcept;

std::size_t unsubscribe_size(const std::string_view* filters, std::size_t count) noexcept;
Status serialize_unsubscribe(const std::string_view* filters, std::size_t count,
                             std::uint16_t packet_id, std::uint8_t* buffer, std::size_t capacity,
                             std::size_t* written) noexcept;

inline constexpr std::size_t kPingreqSize = 2;
Status serialize_pingreq(std::uint8_t* buffer, std::size_t capacity, std::size_t* written) noexcept;

inline constexpr std::size_t kDisconnectSize = 2;
Status serialize_disconnect(std::uint8_t* buffer, std::size_t capacity,
                            std::size_t* written) noexcept;

// PUBACK (packet_id != 0), PINGREQ or DISCONNECT (packet_id 0), unchecked,
// into `out`, which has room for it (kPubackSize, kPingreqSize,
// kDisconnectSize): returns its size. For a caller that made room already
// (the client's send queue); the serialize_* functions above check.
std::size_t write_short_packet(PacketType type, std::uint16_t packet_id,
                               std::uint8_t* out) noexcept;

// True for a topic a client may publish to: 1..65535 bytes, no '+', '#' or NUL.
bool is_valid_publish_topic(std::string_view topic) noexcept;
// True for a subscription filter: 1..65535 bytes without NUL.
bool is_valid_topic_filter(std::string_view filter) noexcept;

}  // namespace edgehub::device::mqtt

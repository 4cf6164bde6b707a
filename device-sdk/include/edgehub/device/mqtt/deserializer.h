// MQTT 3.1.1 deserializers. Pure: they read a complete packet (see Packet and
// decode_fixed_header) and never read outside it. Results: ok, or malformed
// for anything the specification does not allow (wrong flags, wrong length,
// packet id 0, unknown return codes, QoS 3, ...). Views in the outputs point
// into the packet's bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/mqtt/packets.h"
#include "edgehub/device/status.h"

namespace edgehub::device::mqtt {

struct FixedHeader {
  std::uint8_t first_byte = 0;
  std::size_t remaining_length = 0;
  std::size_t header_length = 0;  // 2..5: type byte plus length bytes
};

// Reads the fixed header at the start of data: ok, incomplete (more bytes
// needed) or malformed (bad remaining length).
Status decode_fixed_header(const std::uint8_t* data, std::size_t length,
                           FixedHeader* header) noexcept;

// Splits one whole packet off the start of data: ok (packet and *used set),
// incomplete or malformed.
Status decode_packet(const std::uint8_t* data, std::size_t length, Packet* packet,
                     std::size_t* used) noexcept;

Status deserialize_connack(const Packet& packet, Connack* connack) noexcept;

// packet_id is 0 for QoS 0. QoS 2 and QoS 3 are malformed for this client.
Status deserialize_publish(const Packet& packet, PublishInfo* publish,
                           std::uint16_t* packet_id) noexcept;

// PUBACK and UNSUBACK: the packet id they acknowledge.
Status deserialize_ack(const Packet& packet, std::uint16_t* packet_id) noexcept;

Status deserialize_suback(const Packet& packet, Suback* suback) noexcept;

Status deserialize_pingresp(const Packet& packet) noexcept;

}  // namespace edgehub::device::mqtt

// Reads one MQTT packet at a time from a transport into a caller-owned
// buffer, across as many partial reads as it takes. It never reads past the
// end of the current packet, so the buffer only ever holds one packet.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/mqtt/packets.h"
#include "edgehub/device/status.h"
#include "edgehub/device/transport.h"

namespace edgehub::device::mqtt {

class PacketReader {
 public:
  // The smallest receive buffer: a fixed header plus a SUBACK for a few filters.
  static constexpr std::size_t kMinCapacity = 16;

  PacketReader(std::uint8_t* buffer, std::size_t capacity) noexcept;

  // Reads what the transport has, up to the end of the current packet.
  //   ok               *complete tells whether packet() now holds a whole packet;
  //   recv_failed      the transport reported an error;
  //   malformed        a bad remaining length;
  //   protocol_error   a packet other than PUBLISH that does not fit the buffer;
  //   packet_too_large a PUBLISH that did not fit the buffer was read and
  //                    dropped; dropped_packet_id() says which (0 if QoS 0 or
  //                    unknown).
  // Call release() before reading the next packet.
  Status read(const Transport& transport, bool* complete) noexcept;

  bool has_capacity() const noexcept { return capacity_ >= kMinCapacity; }
  bool has_packet() const noexcept { return complete_; }
  const Packet& packet() const noexcept { return packet_; }
  std::uint16_t dropped_packet_id() const noexcept { return dropped_packet_id_; }

  // Forgets the current packet (complete or not).
  void release() noexcept;

 private:
  Status read_header(const Transport& transport, bool* progress) noexcept;
  Status read_body(const Transport& transport, bool* progress) noexcept;
  Status drop_oversized(const Transport& transport, bool* progress) noexcept;
  void note_dropped_packet_id() noexcept;

  std::uint8_t* buffer_;
  std::size_t capacity_;
  std::size_t received_ = 0;       // bytes of the current packet in the buffer
  std::size_t header_length_ = 0;  // 0 until the fixed header is complete
  std::size_t total_length_ = 0;
  std::size_t consumed_ = 0;  // bytes of an oversized packet read so far
  bool oversized_ = false;
  bool complete_ = false;
  std::uint16_t dropped_packet_id_ = 0;
  Packet packet_;
};

}  // namespace edgehub::device::mqtt

#include "edgehub/device/mqtt/packet_reader.h"

#include "edgehub/device/log.h"
#include "edgehub/device/mqtt/deserializer.h"

namespace edgehub::device::mqtt {
namespace {

// Calls recv and checks the transport contract: never more than asked for.
Status receive(const Transport& transport, std::uint8_t* into, std::size_t wanted,
               std::size_t* moved) noexcept {
  const std::int32_t result = transport.recv(transport.context, into, wanted);
  if (result < 0 || static_cast<std::size_t>(result) > wanted) return Status::recv_failed;
  *moved = static_cast<std::size_t>(result);
  return Status::ok;
}

std::uint16_t read_u16(const std::uint8_t* data) noexcept {
  return static_cast<std::uint16_t>((data[0] << 8) | data[1]);
}

}  // namespace

PacketReader::PacketReader(std::uint8_t* buffer, std::size_t capacity) noexcept
    : buffer_(buffer), capacity_(buffer == nullptr ? 0 : capacity) {}

void PacketReader::release() noexcept {
  received_ = 0;
  header_length_ = 0;
  total_length_ = 0;
  consumed_ = 0;
  oversized_ = false;
  complete_ = false;
  packet_ = Packet{};
}

Status PacketReader::read(const Transport& transport, bool* complete) noexcept {
  if (complete == nullptr || capacity_ < kMinCapacity || transport.recv == nullptr) {
    return Status::bad_parameter;
  }
  while (!complete_) {
    bool progress = false;
    Status status = Status::ok;
    if (header_length_ == 0) {
      status = read_header(transport, &progress);
    } else if (oversized_) {
      status = drop_oversized(transport, &progress);
    } else {
      status = read_body(transport, &progress);
    }
    if (status != Status::ok) {
      if (status != Status::packet_too_large) EDGEHUB_DEVICE_LOG("warn", "mqtt read failed", 0);
      release();
      return status;
    }
    if (!progress) break;
  }
  *complete = complete_;
  return Status::ok;
}

// One byte at a time, so that nothing of the next packet is consumed.
Status PacketReader::read_header(const Transport& transport, bool* progress) noexcept {
  std::size_t moved = 0;
  const Status status = receive(transport, buffer_ + received_, 1, &moved);
  if (status != Status::ok || moved == 0) return status;
  *progress = true;
  received_ += moved;
  FixedHeader header;
  const Status decoded = decode_fixed_header(buffer_, received_, &header);
  if (decoded == Status::incomplete) return Status::ok;
  if (decoded != Status::ok) return Status::malformed;

  header_length_ = header.header_length;
  total_length_ = header.header_length + header.remaining_length;
  if (total_length_ > capacity_) {
    if (static_cast<PacketType>(header.first_byte >> 4) != PacketType::publish) {
      return Status::protocol_error;  // only application messages can be this large
    }
    EDGEHUB_DEVICE_LOG("warn", "incoming PUBLISH larger than the receive buffer",
                       static_cast<long>(total_length_));
    oversized_ = true;
    consumed_ = received_;
    dropped_packet_id_ = 0;
  } else if (received_ == total_length_) {
    complete_ = true;  // a packet without body (PINGRESP)
    packet_ = Packet{buffer_[0], buffer_ + header_length_, 0};
  }
  return Status::ok;
}

Status PacketReader::read_body(const Transport& transport, bool* progress) noexcept {
  std::size_t moved = 0;
  const Status status = receive(transport, buffer_ + received_, total_length_ - received_, &moved);
  if (status != Status::ok || moved == 0) return status;
  *progress = true;
  received_ += moved;
  if (received_ == total_length_) {
    complete_ = true;
    packet_ = Packet{buffer_[0], buffer_ + header_length_, total_length_ - header_length_};
  }
  return Status::ok;
}

// Keeps the first capacity_ bytes (topic and packet id, to acknowledge the
// message) and reads the rest into the same buffer to throw it away.
Status PacketReader::drop_oversized(const Transport& transport, bool* progress) noexcept {
  std::size_t moved = 0;
  Status status = Status::ok;
  if (received_ < capacity_) {
    status = receive(transport, buffer_ + received_, capacity_ - received_, &moved);
    received_ += moved;
    if (received_ == capacity_) note_dropped_packet_id();
  } else {
    const std::size_t left = total_length_ - consumed_;
    status = receive(transport, buffer_, left < capacity_ ? left : capacity_, &moved);
  }
  if (status != Status::ok || moved == 0) return status;
  *progress = true;
  consumed_ += moved;
  return consumed_ == total_length_ ? Status::packet_too_large : Status::ok;
}

void PacketReader::note_dropped_packet_id() noexcept {
  const std::uint8_t qos = (buffer_[0] >> 1) & 0x03;
  const std::uint8_t* body = buffer_ + header_length_;
  const std::size_t available = capacity_ - header_length_;
  if (qos != 1 || available < 2) return;
  const std::size_t topic_length = read_u16(body);
  if (2 + topic_length + 2 > available) return;
  dropped_packet_id_ = read_u16(body + 2 + topic_length);
}

}  // namespace edgehub::device::mqtt

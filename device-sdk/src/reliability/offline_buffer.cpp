#include "edgehub/device/reliability/offline_buffer.h"

#include <cstring>

namespace edgehub::device::reliability {
namespace {

constexpr std::uint32_t kMagic = 0x424F4845;  // "EHOB"
// Larger rings cannot be addressed by the 32-bit positions of the header.
constexpr std::size_t kMaxDataCapacity = 0x7FFFFFFF;

}  // namespace

OfflineBuffer::OfflineBuffer(const Storage& storage, OverflowPolicy policy) noexcept
    : policy_(policy), storage_(storage) {
  if (storage.capacity > kHeaderSize && storage.read != nullptr && storage.write != nullptr) {
    const std::size_t capacity = storage.capacity - kHeaderSize;
    data_capacity_ =
        static_cast<std::uint32_t>(capacity > kMaxDataCapacity ? kMaxDataCapacity : capacity);
  }
}

// No messages, last seq 0.
void OfflineBuffer::start_empty() noexcept {
  header_ = Header{kMagic, data_capacity_, 0, 0, 0, 0, 0};
}

Status OfflineBuffer::open() noexcept {
  if (data_capacity_ <= kRecordOverhead) return Status::buffer_too_small;
  if (!storage_.read(storage_.context, 0, reinterpret_cast<std::uint8_t*>(&header_),
                     sizeof header_)) {
    start_empty();
    return Status::storage_failed;
  }
  const Header& header = header_;
  const bool valid = header.magic == kMagic && header.data_capacity == data_capacity_ &&
                     header.head < data_capacity_ && header.used <= data_capacity_ &&
                     header.count <= header.used / kRecordOverhead &&
                     (header.count == 0) == (header.used == 0);
  open_ = true;
  if (valid) return Status::ok;
  start_empty();
  const Status status = write_header();
  if (status != Status::ok) {
    open_ = false;
    return status;
  }
  return Status::malformed;
}

// header_ as it is (magic and capacity set by open()).
Status OfflineBuffer::write_header() noexcept {
  return storage_.write(storage_.context, 0, reinterpret_cast<const std::uint8_t*>(&header_),
                        sizeof header_)
             ? Status::ok
             : Status::storage_failed;
}

bool OfflineBuffer::read_ring(std::uint32_t position, std::uint8_t* data,
                              std::size_t length) const noexcept {
  return transfer_ring(position, data, length, false);
}

bool OfflineBuffer::write_ring(std::uint32_t position, const std::uint8_t* data,
                               std::size_t length) noexcept {
  // Only written through: storage_.write takes a pointer to const.
  return transfer_ring(position, const_cast<std::uint8_t*>(data), length, true);
}

// length bytes at a ring position, in two parts where the ring wraps.
bool OfflineBuffer::transfer_ring(std::uint32_t position, std::uint8_t* data, std::size_t length,
                                  bool write) const noexcept {
  std::size_t offset = kHeaderSize + position;
  std::size_t part = length < data_capacity_ - position ? length : data_capacity_ - position;
  while (length > 0) {
    const bool done = write ? storage_.write(storage_.context, offset, data, part)
                            : storage_.read(storage_.context, offset, data, part);
    if (!done) return false;
    data += part;
    length -= part;
    offset = kHeaderSize;
    part = length;
  }
  return true;
}

// Positions stay below data_capacity_ <= 2^31 and steps below
// data_capacity_, so one subtraction wraps them (no division on a Cortex-M0).
std::uint32_t OfflineBuffer::advance(std::uint32_t position, std::size_t step) const noexcept {
  const std::uint32_t next = position + static_cast<std::uint32_t>(step);
  return next >= data_capacity_ ? next - data_capacity_ : next;
}

std::uint32_t OfflineBuffer::next_position(std::uint32_t position,
                                           const StoredMessage& message) const noexcept {
  return advance(position, kRecordOverhead + message.length);
}

Status OfflineBuffer::read(std::uint32_t position, StoredMessage* message, char* data,
                           std::size_t capacity) const noexcept {
  if (!open_ || header_.count == 0 || position >= data_capacity_) return Status::not_found;
  std::uint8_t header[kRecordOverhead];
  if (!read_ring(position, header, sizeof header)) return Status::storage_failed;
  std::memcpy(&message->seq, header, 8);
  std::memcpy(&message->length, header + 8, 2);
  if (kRecordOverhead + message->length > header_.used) return Status::malformed;
  if (data == nullptr) return Status::ok;
  if (capacity < message->length) return Status::buffer_too_small;
  return read_ring(advance(position, kRecordOverhead), reinterpret_cast<std::uint8_t*>(data),
                   message->length)
             ? Status::ok
             : Status::storage_failed;
}

Status OfflineBuffer::drop_head(const DropHandler& dropped) noexcept {
  StoredMessage oldest;
  const Status status = read(header_.head, &oldest, nullptr, 0);
  if (status != Status::ok) return status;
  header_.head = next_position(header_.head, oldest);
  header_.used -= static_cast<std::uint32_t>(kRecordOverhead + oldest.length);
  --header_.count;
  if (header_.count == 0) header_.head = header_.used = 0;
  if (dropped.on_drop != nullptr) dropped.on_drop(dropped.context, oldest.seq);
  return Status::ok;
}

Status OfflineBuffer::push(std::uint64_t seq, const char* data, std::size_t length,
                           const DropHandler& dropped, std::size_t expendable) noexcept {
  if (!open_) return Status::wrong_state;
  if (data == nullptr || length == 0 || length > 0xFFFF) return Status::bad_parameter;
  const std::size_t size = kRecordOverhead + length;
  if (size > data_capacity_) return Status::buffer_too_small;
  if (data_capacity_ - header_.used < size) {
    while (data_capacity_ - header_.used < size) {
      if (policy_ == OverflowPolicy::refuse_newest && expendable-- == 0) return Status::queue_full;
      const Status status = drop_head(dropped);
      if (status != Status::ok) return status;
    }
    // The dropped bytes are free in storage before they are overwritten.
    const Status status = write_header();
    if (status != Status::ok) return status;
  }
  const std::uint32_t tail = advance(header_.head, header_.used);
  std::uint8_t header[kRecordOverhead];
  const auto length16 = static_cast<std::uint16_t>(length);
  std::memcpy(header, &seq, 8);
  std::memcpy(header + 8, &length16, 2);
  if (!write_ring(tail, header, sizeof header) ||
      !write_ring(advance(tail, kRecordOverhead), reinterpret_cast<const std::uint8_t*>(data),
                  length)) {
    return Status::storage_failed;
  }
  header_.used += static_cast<std::uint32_t>(size);
  ++header_.count;
  header_.last_seq_low = static_cast<std::uint32_t>(seq);
  header_.last_seq_high = static_cast<std::uint32_t>(seq >> 32);
  return write_header();
}

Status OfflineBuffer::pop() noexcept {
  if (!open_ || header_.count == 0) return Status::not_found;
  const Status status = drop_head(DropHandler{});
  return status == Status::ok ? write_header() : status;
}

Status OfflineBuffer::clear() noexcept {
  if (!open_) return Status::wrong_state;
  header_.head = header_.used = header_.count = 0;
  return write_header();
}

}  // namespace edgehub::device::reliability

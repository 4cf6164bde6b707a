// The offline buffer: telemetry waiting to be acknowledged by the broker, in a
// bounded FIFO of records kept in a Storage (caller RAM, a file, flash). A
// message stays from send_telemetry() until its PUBACK, so it survives a lost
// connection and, with persistent storage, a reboot. When it is full the
// policy decides, and the application always hears about it:
//
//   drop_oldest    the oldest messages make room; each is reported (on_drop)
//   refuse_newest  the new message is refused with Status::queue_full
//
// Layout in the storage: a 28-byte header (magic, data capacity, head, used
// bytes, message count, last seq), then a ring of records
// [seq: 8 bytes][length: 2 bytes][length bytes of data], in the device's
// byte order (the storage belongs to one device).
// The header is written after the record, so a reset in between loses at
// most the message being written; bytes of dropped messages are given up in
// the header before they are overwritten.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/status.h"
#include "edgehub/device/storage.h"

namespace edgehub::device::reliability {

enum class OverflowPolicy : std::uint8_t { drop_oldest, refuse_newest };

// Filled by OfflineBuffer::read(). No default values: it is an out
// parameter, and zeroing it at each of the SDK's reads costs flash
// (StoredMessage{} gives zeros).
struct StoredMessage {
  std::uint64_t seq;
  std::uint16_t length;
};

// Called for each message drop_oldest removes to make room.
struct DropHandler {
  void* context = nullptr;
  void (*on_drop)(void* context, std::uint64_t seq) = nullptr;
};

class OfflineBuffer {
 public:
  static constexpr std::size_t kHeaderSize = 28;
  static constexpr std::size_t kRecordOverhead = 10;
  // Storage for N messages of up to L bytes: kHeaderSize + N * (kRecordOverhead + L).
  static constexpr std::size_t storage_size(std::size_t messages, std::size_t max_length) {
    return kHeaderSize + messages * (kRecordOverhead + max_length);
  }

  OfflineBuffer(const Storage& storage, OverflowPolicy policy) noexcept;

  OfflineBuffer(const OfflineBuffer&) = delete;
  OfflineBuffer& operator=(const OfflineBuffer&) = delete;

  // Must be called once before use. Restores what a previous run stored
  // (count() messages, last_seq()) or starts empty:
  //   ok               a valid buffer was found (possibly empty)
  //   malformed        the storage held no valid buffer (first use, other
  //                    capacity, corruption): it now holds an empty one
  //   buffer_too_small the storage cannot hold the header and one record
  //   storage_failed   the storage could not be read or written
  Status open() noexcept;
  bool is_open() const noexcept { return open_; }

  // Appends a message (1..65535 bytes). buffer_too_small: it can never fit;
  // queue_full: full and the policy is refuse_newest. The first `expendable`
  // messages from the head (copies the caller keeps after their
  // acknowledgement) make room whatever the policy, reported like drops.
  Status push(std::uint64_t seq, const char* data, std::size_t length,
              const DropHandler& dropped = {}, std::size_t expendable = 0) noexcept;
  // Removes the oldest message.
  Status pop() noexcept;
  // Removes every message (last_seq() is kept).
  Status clear() noexcept;

  // Reading without removing: positions run from head_position() through
  // next_position(); count() messages in all. data may be null to read the
  // header only; otherwise buffer_too_small if capacity < length.
  std::uint32_t head_position() const noexcept { return header_.head; }
  Status read(std::uint32_t position, StoredMessage* message, char* data,
              std::size_t capacity) const noexcept;
  std::uint32_t next_position(std::uint32_t position, const StoredMessage& message) const noexcept;

  std::size_t count() const noexcept { return header_.count; }
  bool empty() const noexcept { return header_.count == 0; }
  std::size_t bytes_used() const noexcept { return header_.used; }
  std::size_t data_capacity() const noexcept { return data_capacity_; }
  // The seq of the newest message ever stored (0 before the first): a device
  // continues after it across reboots.
  std::uint64_t last_seq() const noexcept {
    return (static_cast<std::uint64_t>(header_.last_seq_high) << 32) | header_.last_seq_low;
  }
  OverflowPolicy policy() const noexcept { return policy_; }

 private:
  std::uint32_t advance(std::uint32_t position, std::size_t step) const noexcept;
  bool read_ring(std::uint32_t position, std::uint8_t* data, std::size_t length) const noexcept;
  bool write_ring(std::uint32_t position, const std::uint8_t* data, std::size_t length) noexcept;
  bool transfer_ring(std::uint32_t position, std::uint8_t* data, std::size_t length,
                     bool write) const noexcept;
  Status drop_head(const DropHandler& dropped) noexcept;
  Status write_header() noexcept;

  // The header as stored, seven 32-bit words in the device's byte order:
  // written as it is, read into place by open().
  struct Header {
    std::uint32_t magic;
    std::uint32_t data_capacity;
    std::uint32_t head;
    std::uint32_t used;
    std::uint32_t count;
    std::uint32_t last_seq_low;
    std::uint32_t last_seq_high;
  };
  static_assert(sizeof(Header) == kHeaderSize, "no padding in the stored header");
  void start_empty() noexcept;

  // Bytes first: Thumb-2 has 16-bit byte loads and stores only below offset 32.
  bool open_ = false;
  OverflowPolicy policy_;
  std::uint32_t data_capacity_ = 0;  // of this storage (a stored header must agree)
  Header header_ = {};
  Storage storage_;
};

}  // namespace edgehub::device::reliability

// Outgoing bytes waiting for the transport, in a caller-owned buffer. Packets
// are serialized straight into its free tail and leave from its head, as
// many bytes at a time as the transport takes (partial writes).
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/status.h"
#include "edgehub/device/transport.h"

namespace edgehub::device::mqtt {

class SendQueue {
 public:
  SendQueue(std::uint8_t* buffer, std::size_t capacity) noexcept;

  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t pending() const noexcept { return end_ - begin_; }
  bool empty() const noexcept { return begin_ == end_; }
  std::size_t free_space() const noexcept { return capacity_ - pending(); }

  // Room for `size` more bytes at the tail, moving pending bytes to the front
  // if that makes room; null when free_space() < size. Serialize there, then
  // commit() what was written.
  std::uint8_t* tail(std::size_t size) noexcept;
  void commit(std::size_t size) noexcept;

  // Sends until the queue is empty or the transport takes nothing more.
  // ok (*sent = bytes moved) or send_failed.
  Status flush(const Transport& transport, std::size_t* sent) noexcept;

  void clear() noexcept { begin_ = end_ = 0; }

 private:
  std::uint8_t* buffer_;
  std::size_t capacity_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace edgehub::device::mqtt

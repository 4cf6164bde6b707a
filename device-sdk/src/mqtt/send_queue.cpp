#include "edgehub/device/mqtt/send_queue.h"

#include <cstring>

namespace edgehub::device::mqtt {

SendQueue::SendQueue(std::uint8_t* buffer, std::size_t capacity) noexcept
    : buffer_(buffer), capacity_(buffer == nullptr ? 0 : capacity) {}

std::uint8_t* SendQueue::tail(std::size_t size) noexcept {
  if (free_space() < size) return nullptr;
  if (capacity_ - end_ < size) {
    std::memmove(buffer_, buffer_ + begin_, pending());
    end_ -= begin_;
    begin_ = 0;
  }
  return buffer_ + end_;
}

void SendQueue::commit(std::size_t size) noexcept { end_ += size; }

Status SendQueue::flush(const Transport& transport, std::size_t* sent) noexcept {
  std::size_t total = 0;
  while (!empty()) {
    const std::int32_t result = transport.send(transport.context, buffer_ + begin_, pending());
    if (result < 0 || static_cast<std::size_t>(result) > pending()) return Status::send_failed;
    if (result == 0) break;
    begin_ += static_cast<std::size_t>(result);
    total += static_cast<std::size_t>(result);
  }
  if (empty()) clear();
  if (sent != nullptr) *sent = total;
  return Status::ok;
}

}  // namespace edgehub::device::mqtt

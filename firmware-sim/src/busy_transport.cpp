#include "busy_transport.h"

#include <algorithm>

namespace edgehub::sim {

device::Transport BusyTransport::transport() noexcept {
  return device::Transport{this, &BusyTransport::send, &BusyTransport::receive};
}

void BusyTransport::add_work(std::uint64_t busy_ms) {
  if (busy_ms == 0) return;
  busy_until_ms_ = std::max(busy_until_ms_, now_ms_()) + busy_ms;
}

std::int32_t BusyTransport::send(void* context, const std::uint8_t* data, std::size_t length) {
  auto* self = static_cast<BusyTransport*>(context);
  if (self->busy()) return 0;  // "would block": the SDK keeps the bytes and tries later
  if (self->inner_.send == nullptr) return -1;
  return self->inner_.send(self->inner_.context, data, length);
}

std::int32_t BusyTransport::receive(void* context, std::uint8_t* buffer, std::size_t capacity) {
  auto* self = static_cast<BusyTransport*>(context);
  if (self->inner_.recv == nullptr) return -1;
  return self->inner_.recv(self->inner_.context, buffer, capacity);
}

}  // namespace edgehub::sim

#include "edgehub/device/mqtt/outstanding_publishes.h"

namespace edgehub::device::mqtt {

bool OutstandingPublishes::contains(std::uint16_t packet_id) const noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (ids_[i] == packet_id) return true;
  }
  return false;
}

bool OutstandingPublishes::add(std::uint16_t packet_id) noexcept {
  if (packet_id == 0 || full() || contains(packet_id)) return false;
  ids_[count_++] = packet_id;
  return true;
}

bool OutstandingPublishes::remove(std::uint16_t packet_id) noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (ids_[i] != packet_id) continue;
    for (std::size_t j = i + 1; j < count_; ++j) ids_[j - 1] = ids_[j];
    ids_[--count_] = 0;
    return true;
  }
  return false;
}

void OutstandingPublishes::clear() noexcept {
  for (std::size_t i = 0; i < count_; ++i) ids_[i] = 0;
  count_ = 0;
}

}  // namespace edgehub::device::mqtt

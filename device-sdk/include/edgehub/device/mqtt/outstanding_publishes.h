// Packet ids of QoS 1 publishes sent and not yet acknowledged, in a fixed
// table (EDGEHUB_DEVICE_MAX_OUTSTANDING_PUBLISHES entries). It outlives a
// connection: with clean_session=false the same ids are resent after a
// reconnect.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/config.h"

namespace edgehub::device::mqtt {

class OutstandingPublishes {
 public:
  static constexpr std::size_t kCapacity = config::kMaxOutstandingPublishes;

  bool full() const noexcept { return count_ == kCapacity; }
  std::size_t count() const noexcept { return count_; }
  bool contains(std::uint16_t packet_id) const noexcept;
  // false if full or packet_id is 0 or already present.
  bool add(std::uint16_t packet_id) noexcept;
  // false if not present.
  bool remove(std::uint16_t packet_id) noexcept;
  void clear() noexcept;
  // The index-th id in the order they were added (index < count()).
  std::uint16_t at(std::size_t index) const noexcept { return ids_[index]; }

 private:
  std::uint16_t ids_[kCapacity] = {};
  std::size_t count_ = 0;
};

}  // namespace edgehub::device::mqtt

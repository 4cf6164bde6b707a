// What the hub client has published with QoS 1 and not yet seen acknowledged:
// the packet id, and for telemetry the envelope's seq, so that a PUBACK can be
// reported as "telemetry <seq> is safe" and a message resent after a
// reconnect with its packet id. Fixed size, like the MQTT client's table.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/config.h"

namespace edgehub::device::hub {

class SentMessages {
 public:
  static constexpr std::size_t kCapacity = config::kMaxOutstandingPublishes;

  struct Entry {
    std::uint16_t packet_id = 0;
    bool is_telemetry = false;
    std::uint64_t seq = 0;  // telemetry only
  };

  std::size_t count() const noexcept { return count_; }
  std::size_t telemetry_count() const noexcept;
  // false when full (the MQTT client's table is the same size, so a publish
  // it accepted always fits).
  bool add(const Entry& entry) noexcept;
  // Removes the entry for packet_id into *removed; false if there is none.
  bool take(std::uint16_t packet_id, Entry* removed) noexcept;
  const Entry* find_telemetry(std::uint64_t seq) const noexcept;
  const Entry& at(std::size_t index) const noexcept { return entries_[index]; }
  void remove_at(std::size_t index) noexcept;
  void clear() noexcept { count_ = 0; }

 private:
  Entry entries_[kCapacity];
  std::size_t count_ = 0;
};

}  // namespace edgehub::device::hub

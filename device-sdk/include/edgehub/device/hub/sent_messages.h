// What the hub client has published with QoS 1 and not yet removed: the
// packet id, and for telemetry the envelope's seq, so that a PUBACK can be
// reported as "telemetry <seq> is safe" and a message resent after a
// reconnect with its packet id. Telemetry acknowledged out of order stays
// (acknowledged) until the messages before it in the offline buffer are
// acknowledged too. Fixed size, like the MQTT client's table.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/config.h"

namespace edgehub::device::hub {

class SentMessages {
 public:
  static constexpr std::size_t kCapacity = config::kMaxOutstandingPublishes;

  struct Entry {
    // No default values: the table is only read below count_, where add()
    // wrote whole entries (and initialising 16 entries costs flash).
    std::uint16_t packet_id;
    bool is_telemetry;
    std::uint64_t seq;  // telemetry only
    bool acknowledged;
    // Sent on an earlier connection: goes again (same packet id, DUP) once on
    // this one. Never on the connection it was sent on (MQTT resends only
    // after a reconnect).
    bool resend;
  };

  std::size_t count() const noexcept { return count_; }
  bool full() const noexcept { return count_ == kCapacity; }
  // false when full (the MQTT client's table is the same size, so a publish
  // it accepted always fits).
  bool add(const Entry& entry) noexcept;
  Entry* find_telemetry(std::uint64_t seq) noexcept;
  // The entry still waiting for a PUBACK with this packet id (acknowledged
  // entries are skipped: the MQTT client may reuse their id).
  Entry* find(std::uint16_t packet_id) noexcept;
  // A telemetry entry acknowledged out of order with a seq above `seq`.
  Entry* find_acknowledged_after(std::uint64_t seq) noexcept;
  const Entry& at(std::size_t index) const noexcept { return entries_[index]; }
  void remove_at(std::size_t index) noexcept;
  void remove(const Entry* entry) noexcept {
    remove_at(static_cast<std::size_t>(entry - entries_));
  }
  void clear() noexcept { count_ = 0; }
  // A new connection: every entry is to be sent again.
  void mark_for_resend() noexcept;

 private:
  Entry entries_[kCapacity];
  std::size_t count_ = 0;
};

}  // namespace edgehub::device::hub

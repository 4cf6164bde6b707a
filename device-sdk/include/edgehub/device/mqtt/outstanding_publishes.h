// QoS 1 publishes sent and not yet acknowledged, in a fixed table
// (EDGEHUB_DEVICE_MAX_OUTSTANDING_PUBLISHES entries): the packet id, whether
// the publish still has to go again on this connection, and a tag the
// publisher chose (the hub client: the telemetry seq, 0 for responses and
// reports), so that one table serves both layers. It outlives a connection:
// with clean_session=false the same ids are resent after a reconnect.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/config.h"

namespace edgehub::device::mqtt {

class OutstandingPublishes {
 public:
  static constexpr std::size_t kCapacity = config::kMaxOutstandingPublishes;

  struct Entry {
    // No default values: the table is only read below count_, where add()
    // wrote whole entries (and initialising them all costs flash).
    std::uint16_t packet_id;
    // Sent on an earlier connection, not yet again on this one: a resumed
    // session sends it again (same packet id, DUP). Never set for the
    // connection it was sent on (MQTT resends only after a reconnect).
    bool resend;
    std::uint64_t tag;
  };

  bool full() const noexcept { return count_ == kCapacity; }
  std::size_t count() const noexcept { return count_; }
  bool contains(std::uint16_t packet_id) const noexcept { return find(packet_id) != nullptr; }
  const Entry* find(std::uint16_t packet_id) const noexcept {
    return const_cast<OutstandingPublishes*>(this)->find(packet_id);
  }
  Entry* find(std::uint16_t packet_id) noexcept;
  // The first entry with this tag; nullptr if none.
  const Entry* find_tag(std::uint64_t tag) const noexcept;
  // false if full or packet_id is 0 or already present.
  bool add(std::uint16_t packet_id, std::uint64_t tag = 0) noexcept;
  // false if not present; else *tag (if not null) receives its tag.
  bool remove(std::uint16_t packet_id, std::uint64_t* tag = nullptr) noexcept;
  void clear() noexcept { count_ = 0; }
  // A resumed session: every entry is to be sent again.
  void mark_for_resend() noexcept;
  // The index-th id in the order they were added (index < count()).
  std::uint16_t at(std::size_t index) const noexcept { return entries_[index].packet_id; }
  const Entry& entry(std::size_t index) const noexcept { return entries_[index]; }

 private:
  std::size_t count_ = 0;
  Entry entries_[kCapacity];
};

}  // namespace edgehub::device::mqtt

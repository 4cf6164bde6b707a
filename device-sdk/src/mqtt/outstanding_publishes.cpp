#include "edgehub/device/mqtt/outstanding_publishes.h"

namespace edgehub::device::mqtt {

OutstandingPublishes::Entry* OutstandingPublishes::find(std::uint16_t packet_id) noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (entries_[i].packet_id == packet_id) return &entries_[i];
  }
  return nullptr;
}

const OutstandingPublishes::Entry* OutstandingPublishes::find_tag(
    std::uint64_t tag) const noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (entries_[i].tag == tag) return &entries_[i];
  }
  return nullptr;
}

bool OutstandingPublishes::add(std::uint16_t packet_id, std::uint64_t tag) noexcept {
  if (packet_id == 0 || full() || contains(packet_id)) return false;
  entries_[count_++] = Entry{packet_id, false, tag};
  return true;
}

bool OutstandingPublishes::remove(std::uint16_t packet_id, std::uint64_t* tag) noexcept {
  const Entry* entry = find(packet_id);
  if (entry == nullptr) return false;
  if (tag != nullptr) *tag = entry->tag;
  for (auto i = static_cast<std::size_t>(entry - entries_) + 1; i < count_; ++i) {
    entries_[i - 1] = entries_[i];
  }
  --count_;
  return true;
}

void OutstandingPublishes::mark_for_resend() noexcept {
  for (std::size_t i = 0; i < count_; ++i) entries_[i].resend = true;
}

}  // namespace edgehub::device::mqtt

#include "edgehub/device/hub/sent_messages.h"

namespace edgehub::device::hub {

bool SentMessages::add(const Entry& entry) noexcept {
  if (count_ == kCapacity) return false;
  entries_[count_++] = entry;
  return true;
}

SentMessages::Entry* SentMessages::find_telemetry(std::uint64_t seq) noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (entries_[i].is_telemetry && entries_[i].seq == seq) return &entries_[i];
  }
  return nullptr;
}

SentMessages::Entry* SentMessages::find(std::uint16_t packet_id) noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (entries_[i].packet_id == packet_id && !entries_[i].acknowledged) return &entries_[i];
  }
  return nullptr;
}

SentMessages::Entry* SentMessages::find_acknowledged_after(std::uint64_t seq) noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (entries_[i].acknowledged && entries_[i].seq > seq) return &entries_[i];
  }
  return nullptr;
}

void SentMessages::mark_for_resend() noexcept {
  for (std::size_t i = 0; i < count_; ++i) entries_[i].resend = true;
}

void SentMessages::remove_at(std::size_t index) noexcept {
  for (std::size_t j = index + 1; j < count_; ++j) entries_[j - 1] = entries_[j];
  --count_;
}

}  // namespace edgehub::device::hub

#include "edgehub/device/hub/sent_messages.h"

namespace edgehub::device::hub {

std::size_t SentMessages::telemetry_count() const noexcept {
  std::size_t count = 0;
  for (std::size_t i = 0; i < count_; ++i) count += entries_[i].is_telemetry ? 1 : 0;
  return count;
}

bool SentMessages::add(const Entry& entry) noexcept {
  if (count_ == kCapacity) return false;
  entries_[count_++] = entry;
  return true;
}

bool SentMessages::take(std::uint16_t packet_id, Entry* removed) noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (entries_[i].packet_id != packet_id) continue;
    if (removed != nullptr) *removed = entries_[i];
    remove_at(i);
    return true;
  }
  return false;
}

const SentMessages::Entry* SentMessages::find_telemetry(std::uint64_t seq) const noexcept {
  for (std::size_t i = 0; i < count_; ++i) {
    if (entries_[i].is_telemetry && entries_[i].seq == seq) return &entries_[i];
  }
  return nullptr;
}

void SentMessages::remove_at(std::size_t index) noexcept {
  for (std::size_t j = index + 1; j < count_; ++j) entries_[j - 1] = entries_[j];
  --count_;
}

}  // namespace edgehub::device::hub

#include "mosquitto-plugin/journal_flow_notices.h"

namespace edgehub::hub::mosquitto_auth {

JournalFlowNotices::JournalFlowNotices(std::chrono::milliseconds retry_after,
                                       std::size_t max_devices)
    : retry_after_(retry_after), max_devices_(max_devices) {}

bool JournalFlowNotices::refused(std::string_view device, JournalRefusal cause, SteadyTime now) {
  auto it = devices_.find(device);
  if (it == devices_.end()) {
    if (devices_.size() >= max_devices_) return false;
    it = devices_.emplace(std::string(device), PausedDevice{}).first;
  }
  written_since_refusal_ = false;
  if (cause == JournalRefusal::write_failed) write_failed_since_pause_ = true;
  PausedDevice& paused = it->second;
  // A device that resent before its notice arrived, or that ignores notices,
  // is refused again: one notice per retry_after is enough.
  if (!paused.ever_notified || now - paused.last_notice >= retry_after_) paused.owed = true;
  return true;
}

void JournalFlowNotices::written() {
  if (!devices_.empty()) written_since_refusal_ = true;
}

bool JournalFlowNotices::connected(std::string_view device, SteadyTime now) {
  const auto it = devices_.find(device);
  if (it == devices_.end() || !it->second.owed) return false;
  it->second.owed = false;
  it->second.ever_notified = true;
  it->second.last_notice = now;
  return true;
}

std::vector<std::string> JournalFlowNotices::resume_if_recovered(bool budget_has_room) {
  std::vector<std::string> resumed;
  if (devices_.empty()) return resumed;
  if (!written_since_refusal_ && !(budget_has_room && !write_failed_since_pause_)) return resumed;
  resumed.reserve(devices_.size());
  for (auto& [device, paused] : devices_) resumed.push_back(device);
  devices_.clear();
  written_since_refusal_ = false;
  write_failed_since_pause_ = false;
  return resumed;
}

std::string JournalFlowNotices::paused_notice() const {
  return R"({"state":"paused","reason":"journal_unavailable","retry_after_ms":)" +
         std::to_string(retry_after_.count()) + "}";
}

std::string_view JournalFlowNotices::resumed_notice() {
  return R"({"state":"resumed","reason":"journal_unavailable"})";
}

}  // namespace edgehub::hub::mosquitto_auth

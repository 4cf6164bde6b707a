#include "commands/pending_commands.h"

namespace edgehub::hub {

bool PendingCommands::add(const std::string& command_id, const std::string& device_id) {
  auto entry = std::make_shared<Entry>();
  entry->device_id = device_id;
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  entries_[command_id] = std::move(entry);
  return true;
}

PendingCommands::DeliveryResult PendingCommands::deliver(std::string_view device_id,
                                                         protocol::CommandResponse response) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(response.id);
  if (found == entries_.end()) return {Delivery::unknown_command, {}};
  Entry& entry = *found->second;
  // A device cannot answer another device's command.
  if (entry.device_id != device_id) return {Delivery::wrong_device, entry.device_id};
  if (entry.response) return {Delivery::already_answered, {}};
  entry.response = std::move(response);
  entry.answered.notify_all();
  return {Delivery::delivered, {}};
}

std::optional<protocol::CommandResponse> PendingCommands::wait_and_remove(
    const std::string& command_id, std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  const auto found = entries_.find(command_id);
  if (found == entries_.end()) return std::nullopt;
  const std::shared_ptr<Entry> entry = found->second;
  entry->answered.wait_until(lock, deadline,
                             [&] { return entry->response.has_value() || entry->resolved || closed_; });
  entries_.erase(command_id);
  return std::move(entry->response);
}

void PendingCommands::resolve(const std::string& command_id) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(command_id);
  if (found == entries_.end()) return;
  found->second->resolved = true;
  found->second->answered.notify_all();
}

void PendingCommands::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  for (auto& [id, entry] : entries_) entry->answered.notify_all();
}

bool PendingCommands::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

void PendingCommands::remove(const std::string& command_id) {
  std::lock_guard lock(mutex_);
  entries_.erase(command_id);
}

std::size_t PendingCommands::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace edgehub::hub

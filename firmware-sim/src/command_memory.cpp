#include "command_memory.h"

#include <algorithm>

namespace edgehub::sim {

CommandMemory::CommandMemory(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)) {}

bool CommandMemory::lookup(std::string_view id, CommandAnswer* answer) const {
  const auto found =
      std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == id; });
  if (found == entries_.end()) return false;
  if (answer != nullptr) *answer = found->answer;
  return true;
}

void CommandMemory::remember(std::string_view id, CommandAnswer answer) {
  const auto found =
      std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == id; });
  if (found != entries_.end()) {
    found->answer = std::move(answer);
    return;
  }
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back(Entry{std::string(id), std::move(answer)});
}

}  // namespace edgehub::sim

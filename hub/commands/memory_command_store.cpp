#include "commands/memory_command_store.h"

#include <algorithm>
#include <set>

namespace edgehub::hub {
namespace {

// SqliteCommandStore's limit, kept so that both refuse the same transitions.
constexpr std::size_t kMaxFromStates = 3;

Error no_command(std::string_view id) {
  return make_error(ErrorCode::not_found, "no command '" + std::string(id) + "'");
}

template <typename Value>
void keep_unless_given(std::optional<Value>& field, const std::optional<Value>& given) {
  if (given) field = given;
}

}  // namespace

template <typename Matches>
std::vector<const MemoryCommandStore::Stored*> MemoryCommandStore::select(Matches&& matches) const {
  std::vector<const Stored*> selected;
  for (const auto& [id, stored] : commands_) {
    if (matches(stored.command)) selected.push_back(&stored);
  }
  std::sort(selected.begin(), selected.end(),
            [](const Stored* a, const Stored* b) { return a->inserted < b->inserted; });
  return selected;
}

Status MemoryCommandStore::insert(const CommandRecord& command) {
  std::lock_guard lock(mutex_);
  if (commands_.count(command.id) != 0) {
    return make_error(ErrorCode::conflict, "command '" + command.id + "' exists already");
  }
  commands_.emplace(command.id, Stored{next_insertion_++, command});
  return ok_status();
}

Status MemoryCommandStore::insert_all(std::span<const CommandRecord> commands) {
  std::lock_guard lock(mutex_);
  std::set<std::string_view> ids;
  for (const CommandRecord& command : commands) {
    if (commands_.count(command.id) != 0 || !ids.insert(command.id).second) {
      return make_error(ErrorCode::conflict, "command '" + command.id + "' exists already");
    }
  }
  for (const CommandRecord& command : commands) {
    commands_.emplace(command.id, Stored{next_insertion_++, command});
  }
  return ok_status();
}

Result<CommandRecord> MemoryCommandStore::find(std::string_view id) const {
  std::lock_guard lock(mutex_);
  const auto found = commands_.find(id);
  if (found == commands_.end()) return no_command(id);
  return found->second.command;
}

Result<std::vector<CommandRecord>> MemoryCommandStore::list(const CommandQuery& query) const {
  std::lock_guard lock(mutex_);
  auto selected = select([&](const CommandRecord& command) {
    return (!query.device_id || command.device_id == *query.device_id) &&
           (!query.state || command.state == *query.state) &&
           (!query.job_id || command.job_id == *query.job_id);
  });
  // Newest first; of two created in the same millisecond, the later inserted.
  std::sort(selected.begin(), selected.end(), [](const Stored* a, const Stored* b) {
    if (a->command.created_at_ms != b->command.created_at_ms) {
      return a->command.created_at_ms > b->command.created_at_ms;
    }
    return a->inserted > b->inserted;
  });
  std::vector<CommandRecord> listed;
  for (const Stored* stored : selected) {
    if (listed.size() == query.limit) break;
    listed.push_back(stored->command);
  }
  return listed;
}

Result<bool> MemoryCommandStore::transition(std::string_view id,
                                            std::initializer_list<CommandState> from,
                                            const CommandUpdate& update) {
  if (from.size() == 0 || from.size() > kMaxFromStates) {
    return make_error(ErrorCode::internal, "command store: a transition starts from 1-" +
                                               std::to_string(kMaxFromStates) + " states");
  }
  std::lock_guard lock(mutex_);
  const auto found = commands_.find(id);
  if (found == commands_.end()) return no_command(id);
  CommandRecord& command = found->second.command;
  if (std::find(from.begin(), from.end(), command.state) == from.end()) return false;
  command.state = update.state;
  keep_unless_given(command.sent_at_ms, update.sent_at_ms);
  keep_unless_given(command.deadline_ms, update.deadline_ms);
  keep_unless_given(command.finished_at_ms, update.finished_at_ms);
  keep_unless_given(command.response_status, update.response_status);
  keep_unless_given(command.response_payload_json, update.response_payload_json);
  keep_unless_given(command.responded_at_ms, update.responded_at_ms);
  return true;
}

Result<bool> MemoryCommandStore::record_late_answer(std::string_view id, int status,
                                                    std::string_view payload_json,
                                                    std::int64_t at_ms) {
  std::lock_guard lock(mutex_);
  const auto found = commands_.find(id);
  // An unknown command has no answer to keep: false, as SQLite's UPDATE of no row.
  if (found == commands_.end()) return false;
  CommandRecord& command = found->second.command;
  if (command.response_status) return false;
  command.response_status = status;
  command.response_payload_json = std::string(payload_json);
  command.responded_at_ms = at_ms;
  return true;
}

Result<std::vector<CommandRecord>> MemoryCommandStore::queued_for(
    std::string_view device_id) const {
  std::lock_guard lock(mutex_);
  auto selected = select([&](const CommandRecord& command) {
    return command.device_id == device_id && command.state == CommandState::queued;
  });
  std::stable_sort(selected.begin(), selected.end(), [](const Stored* a, const Stored* b) {
    return a->command.created_at_ms < b->command.created_at_ms;
  });
  std::vector<CommandRecord> queued;
  for (const Stored* stored : selected) queued.push_back(stored->command);
  return queued;
}

Result<std::size_t> MemoryCommandStore::count_queued(std::string_view device_id) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(commands_.begin(), commands_.end(), [&](const auto& entry) {
        return entry.second.command.device_id == device_id &&
               entry.second.command.state == CommandState::queued;
      }));
}

Result<std::map<CommandState, std::size_t>> MemoryCommandStore::count_by_state() const {
  std::lock_guard lock(mutex_);
  std::map<CommandState, std::size_t> counts;
  for (const auto& entry : commands_) ++counts[entry.second.command.state];
  return counts;
}

Result<std::vector<CommandRecord>> MemoryCommandStore::overdue(std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  auto selected = select([&](const CommandRecord& command) {
    return (command.state == CommandState::queued && command.expires_at_ms <= now_ms) ||
           (command.state == CommandState::sent && command.deadline_ms &&
            *command.deadline_ms <= now_ms);
  });
  std::stable_sort(selected.begin(), selected.end(), [](const Stored* a, const Stored* b) {
    return a->command.created_at_ms < b->command.created_at_ms;
  });
  std::vector<CommandRecord> due;
  for (const Stored* stored : selected) due.push_back(stored->command);
  return due;
}

Result<std::size_t> MemoryCommandStore::forget_finished(std::int64_t finished_before_ms,
                                                        std::size_t keep_at_most) {
  std::lock_guard lock(mutex_);
  std::size_t deleted = std::erase_if(commands_, [&](const auto& entry) {
    const auto& finished = entry.second.command.finished_at_ms;
    return finished && *finished < finished_before_ms;
  });
  auto finished =
      select([](const CommandRecord& command) { return command.finished_at_ms.has_value(); });
  if (finished.size() <= keep_at_most) return deleted;
  // The earliest finished go first (then the earliest inserted).
  std::stable_sort(finished.begin(), finished.end(), [](const Stored* a, const Stored* b) {
    return *a->command.finished_at_ms < *b->command.finished_at_ms;
  });
  std::vector<std::string> earliest;
  for (std::size_t i = 0; i < finished.size() - keep_at_most; ++i) {
    earliest.push_back(finished[i]->command.id);
  }
  for (const std::string& id : earliest) commands_.erase(id);
  return deleted + earliest.size();
}

}  // namespace edgehub::hub

// Durable record of every command's life (commands.db). The state machine
// lives in the callers; the store only makes each step atomic: a transition
// happens only from the states the caller expects (compare-and-set), so two
// threads (an answer and a timeout, say) cannot both decide a command.
//
// Implementations: sqlite_command_store.h (hubd's commands.db) and
// memory_command_store.h (tests, fault injection); both pass
// tests/unit/hub/commands/command_store_contract_test.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_record.h"
#include "edgehub/common/result.h"

namespace edgehub::hub {

struct CommandQuery {
  std::optional<std::string> device_id;
  std::optional<CommandState> state;
  std::optional<std::string> job_id;
  std::size_t limit = 100;  // newest first
};

// What a transition writes besides the state (absent fields are kept).
struct CommandUpdate {
  CommandState state = CommandState::queued;
  std::optional<std::int64_t> sent_at_ms;
  std::optional<std::int64_t> deadline_ms;
  std::optional<std::int64_t> finished_at_ms;
  std::optional<int> response_status;
  std::optional<std::string> response_payload_json;
  std::optional<std::int64_t> responded_at_ms;
};

class CommandStore {
 public:
  virtual ~CommandStore() = default;

  // conflict if the id exists (the caller then looks the existing one up).
  virtual Status insert(const CommandRecord& command) = 0;
  // Every command or none (one transaction): conflict if any id exists.
  virtual Status insert_all(std::span<const CommandRecord> commands) = 0;
  // not_found if absent.
  virtual Result<CommandRecord> find(std::string_view id) const = 0;
  virtual Result<std::vector<CommandRecord>> list(const CommandQuery& query) const = 0;
  // Applies update if the command is in one of `from`; false (no change) if
  // it is not (any more); not_found if absent.
  virtual Result<bool> transition(std::string_view id, std::initializer_list<CommandState> from,
                                  const CommandUpdate& update) = 0;
  // Records a device's answer that came after the command's final state was
  // decided (timed-out): the state stays, the answer is kept for the operator.
  // false if an answer is already recorded.
  virtual Result<bool> record_late_answer(std::string_view id, int status,
                                          std::string_view payload_json,
                                          std::int64_t at_ms) = 0;
  // Queued commands of one device, oldest first.
  virtual Result<std::vector<CommandRecord>> queued_for(std::string_view device_id) const = 0;
  virtual Result<std::size_t> count_queued(std::string_view device_id) const = 0;
  // How many commands the store holds in each state (states without any are
  // absent): the metrics' commands by state.
  virtual Result<std::map<CommandState, std::size_t>> count_by_state() const = 0;
  // Queued commands whose expiry is <= now, and sent ones whose deadline is.
  virtual Result<std::vector<CommandRecord>> overdue(std::int64_t now_ms) const = 0;
  // Retention: deletes the commands that reached their final state before
  // finished_before_ms, then the earliest finished beyond keep_at_most final
  // commands. Queued and sent commands are never deleted. Returns how many
  // went.
  virtual Result<std::size_t> forget_finished(std::int64_t finished_before_ms,
                                              std::size_t keep_at_most) = 0;
};

}  // namespace edgehub::hub

// The in-memory side of the CommandStore seam: for tests of the modules that
// send commands (api, hubd's router) and for fault injection. Behaves as
// SqliteCommandStore does, insertion order breaking ties where SQLite's rowid
// does (command_store_contract_test.cpp runs the same cases on both).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "commands/command_store.h"

namespace edgehub::hub {

class MemoryCommandStore final : public CommandStore {
 public:
  Status insert(const CommandRecord& command) override;
  Status insert_all(std::span<const CommandRecord> commands) override;
  Result<CommandRecord> find(std::string_view id) const override;
  Result<std::vector<CommandRecord>> list(const CommandQuery& query) const override;
  Result<bool> transition(std::string_view id, std::initializer_list<CommandState> from,
                          const CommandUpdate& update) override;
  Result<bool> record_late_answer(std::string_view id, int status, std::string_view payload_json,
                                  std::int64_t at_ms) override;
  Result<std::vector<CommandRecord>> queued_for(std::string_view device_id) const override;
  Result<std::size_t> count_queued(std::string_view device_id) const override;
  Result<std::map<CommandState, std::size_t>> count_by_state() const override;
  Result<std::vector<CommandRecord>> overdue(std::int64_t now_ms) const override;
  Result<std::size_t> forget_finished(std::int64_t finished_before_ms,
                                      std::size_t keep_at_most) override;

 private:
  struct Stored {
    std::uint64_t inserted = 0;  // insertion order, as SQLite's rowid
    CommandRecord command;
  };
  // Matching commands in insertion order.
  template <typename Matches>
  std::vector<const Stored*> select(Matches&& matches) const;

  mutable std::mutex mutex_;
  std::uint64_t next_insertion_ = 0;
  std::map<std::string, Stored, std::less<>> commands_;
};

}  // namespace edgehub::hub

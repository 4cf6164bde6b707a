// CommandStore in SQLite: hubd's <data-dir>/commands.db (WAL,
// synchronous=NORMAL: every committed step survives a crash of hubd).
#pragma once

#include <filesystem>
#include <memory>

#include "commands/command_store.h"

namespace edgehub::hub {

class SqliteCommandStore final : public CommandStore {
 public:
  // Creates the file and schema if needed; ":memory:" for a private in-memory
  // database (tests). Throws std::runtime_error if it cannot be opened.
  static std::unique_ptr<SqliteCommandStore> open(const std::filesystem::path& file);
  ~SqliteCommandStore() override;

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
  struct Impl;
  explicit SqliteCommandStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgehub::hub

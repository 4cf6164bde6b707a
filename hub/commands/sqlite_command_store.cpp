#include "commands/sqlite_command_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <mutex>
#include <stdexcept>
#include <string>

#include "sqlite/open_database.h"
#include "sqlite/statement_use.h"
#include "sqlite/wal_checkpointer.h"

namespace edgehub::hub {
namespace {

// 1: the commands table and its indexes. 2: commands_by_finish (for
// retention), which version 1 code also created, without a version change.
constexpr int kSchemaVersion = 2;

constexpr const char* kCreateCommands = R"sql(
CREATE TABLE IF NOT EXISTS commands (
  id                TEXT PRIMARY KEY,
  device_id         TEXT NOT NULL,
  name              TEXT NOT NULL,
  payload           TEXT NOT NULL,
  state             TEXT NOT NULL,
  timeout_ms        INTEGER NOT NULL,
  queued_by_operator INTEGER NOT NULL DEFAULT 0,
  created_at_ms     INTEGER NOT NULL,
  expires_at_ms     INTEGER NOT NULL,
  sent_at_ms        INTEGER,
  deadline_ms       INTEGER,
  finished_at_ms    INTEGER,
  response_status   INTEGER,
  response_payload  TEXT,
  responded_at_ms   INTEGER,
  job_id            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS commands_by_device_state ON commands (device_id, state, created_at_ms);
CREATE INDEX IF NOT EXISTS commands_by_state ON commands (state);
CREATE INDEX IF NOT EXISTS commands_by_job ON commands (job_id);
)sql";

constexpr const char* kCreateFinishIndex = R"sql(
CREATE INDEX IF NOT EXISTS commands_by_finish ON commands (finished_at_ms)
  WHERE finished_at_ms IS NOT NULL;
)sql";

DatabaseSchema command_database_schema() {
  return DatabaseSchema{"command store",
                        kSchemaVersion,
                        {SchemaStep{0, 1, kCreateCommands}, SchemaStep{1, 2, kCreateFinishIndex}}};
}

constexpr const char* kColumns =
    "SELECT id, device_id, name, payload, state, timeout_ms, queued_by_operator, created_at_ms, "
    "expires_at_ms, sent_at_ms, deadline_ms, finished_at_ms, response_status, response_payload, "
    "responded_at_ms, job_id FROM commands";

std::optional<std::int64_t> optional_int64(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

Result<CommandRecord> command_from_row(const SQLite::Statement& row) {
  CommandRecord command;
  command.id = row.getColumn(0).getString();
  command.device_id = row.getColumn(1).getString();
  command.name = row.getColumn(2).getString();
  command.payload_json = row.getColumn(3).getString();
  const std::string state = row.getColumn(4).getString();
  const auto parsed = parse_command_state(state);
  if (!parsed) {
    return make_error(ErrorCode::internal,
                      "commands.db holds unknown state '" + state + "' for '" + command.id + "'");
  }
  command.state = *parsed;
  command.timeout_ms = static_cast<std::uint32_t>(row.getColumn(5).getInt64());
  command.queued_by_operator = row.getColumn(6).getInt() != 0;
  command.created_at_ms = row.getColumn(7).getInt64();
  command.expires_at_ms = row.getColumn(8).getInt64();
  command.sent_at_ms = optional_int64(row.getColumn(9));
  command.deadline_ms = optional_int64(row.getColumn(10));
  command.finished_at_ms = optional_int64(row.getColumn(11));
  if (!row.getColumn(12).isNull()) command.response_status = row.getColumn(12).getInt();
  if (!row.getColumn(13).isNull()) command.response_payload_json = row.getColumn(13).getString();
  command.responded_at_ms = optional_int64(row.getColumn(14));
  command.job_id = row.getColumn(15).getString();
  return command;
}

Result<std::vector<CommandRecord>> all_rows(SQLite::Statement& select) {
  std::vector<CommandRecord> commands;
  while (select.executeStep()) {
    auto command = command_from_row(select);
    if (!command) return command.error();
    commands.push_back(std::move(*command));
  }
  return commands;
}

template <typename Value>
void bind_optional(SQLite::Statement& statement, int index, const std::optional<Value>& value) {
  if (value) {
    statement.bind(index, *value);
  } else {
    statement.bind(index);
  }
}

template <typename Body>
auto internal_on_failure(std::string_view what, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      "command store: " + std::string(what) + " failed: " + failure.what());
  }
}

// A transition names at most this many states it may start from.
constexpr std::size_t kMaxFromStates = 3;

}  // namespace

// The statements of the command path (send, answer, wait) are prepared once.
struct SqliteCommandStore::Impl {
  explicit Impl(SQLite::Database opened)
      : database(std::move(opened)),
        insert(database,
               "INSERT OR IGNORE INTO commands (id, device_id, name, payload, state, timeout_ms, "
               "queued_by_operator, created_at_ms, expires_at_ms, sent_at_ms, deadline_ms, "
               "finished_at_ms, response_status, response_payload, responded_at_ms, job_id) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"),
        find(database, std::string(kColumns) + " WHERE id = ?1"),
        transition(database,
                   "UPDATE commands SET state = ?2, sent_at_ms = coalesce(?3, sent_at_ms), "
                   "deadline_ms = coalesce(?4, deadline_ms), "
                   "finished_at_ms = coalesce(?5, finished_at_ms), "
                   "response_status = coalesce(?6, response_status), "
                   "response_payload = coalesce(?7, response_payload), "
                   "responded_at_ms = coalesce(?8, responded_at_ms) "
                   "WHERE id = ?1 AND state IN (?9, ?10, ?11)"),
        exists(database, "SELECT 1 FROM commands WHERE id = ?1") {}
  mutable std::mutex mutex;
  SQLite::Database database;
  SQLite::Statement insert;
  SQLite::Statement find;
  SQLite::Statement transition;
  SQLite::Statement exists;
  // Last: stopped before the connection closes.
  std::unique_ptr<WalCheckpointer> checkpointer;
};

SqliteCommandStore::SqliteCommandStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteCommandStore::~SqliteCommandStore() = default;

std::unique_ptr<SqliteCommandStore> SqliteCommandStore::open(const std::filesystem::path& file) {
  Result<SQLite::Database> database = open_database(file, command_database_schema());
  if (!database) throw std::runtime_error("cannot open " + database.error().message);
  try {
    auto impl = std::make_unique<Impl>(std::move(database).value());
    if (file != ":memory:") {
      impl->checkpointer = std::make_unique<WalCheckpointer>(file, impl->database.getHandle());
    }
    return std::unique_ptr<SqliteCommandStore>(new SqliteCommandStore(std::move(impl)));
  } catch (const std::exception& failure) {
    throw std::runtime_error("cannot open command store " + file.string() + ": " + failure.what());
  }
}

namespace {

// Binds a command to the insert statement and runs it; conflict if the id exists.
Status insert_row(SQLite::Statement& statement, const CommandRecord& command) {
  StatementUse insert(statement);
  insert->bind(1, command.id);
  insert->bind(2, command.device_id);
  insert->bind(3, command.name);
  insert->bind(4, command.payload_json);
  insert->bind(5, to_string(command.state));
  insert->bind(6, static_cast<std::int64_t>(command.timeout_ms));
  insert->bind(7, command.queued_by_operator ? 1 : 0);
  insert->bind(8, command.created_at_ms);
  insert->bind(9, command.expires_at_ms);
  bind_optional(*insert, 10, command.sent_at_ms);
  bind_optional(*insert, 11, command.deadline_ms);
  bind_optional(*insert, 12, command.finished_at_ms);
  bind_optional(*insert, 13, command.response_status);
  bind_optional(*insert, 14, command.response_payload_json);
  bind_optional(*insert, 15, command.responded_at_ms);
  insert->bind(16, command.job_id);
  if (insert->exec() == 0) {
    return make_error(ErrorCode::conflict, "command '" + command.id + "' exists already");
  }
  return ok_status();
}

}  // namespace

Status SqliteCommandStore::insert(const CommandRecord& command) {
  return internal_on_failure("insert", [&]() -> Status {
    std::lock_guard lock(impl_->mutex);
    return insert_row(impl_->insert, command);
  });
}

Status SqliteCommandStore::insert_all(std::span<const CommandRecord> commands) {
  return internal_on_failure("insert", [&]() -> Status {
    std::lock_guard lock(impl_->mutex);
    SQLite::Transaction transaction(impl_->database);
    for (const CommandRecord& command : commands) {
      if (Status inserted = insert_row(impl_->insert, command); !inserted) return inserted;
    }
    transaction.commit();
    return ok_status();
  });
}

Result<CommandRecord> SqliteCommandStore::find(std::string_view id) const {
  return internal_on_failure("find", [&]() -> Result<CommandRecord> {
    std::lock_guard lock(impl_->mutex);
    StatementUse select(impl_->find);
    select->bind(1, std::string(id));
    if (!select->executeStep()) {
      return make_error(ErrorCode::not_found, "no command '" + std::string(id) + "'");
    }
    return command_from_row(*select);
  });
}

Result<std::vector<CommandRecord>> SqliteCommandStore::list(const CommandQuery& query) const {
  return internal_on_failure("list", [&]() -> Result<std::vector<CommandRecord>> {
    std::lock_guard lock(impl_->mutex);
    SQLite::Statement select(impl_->database,
                             std::string(kColumns) +
                                 " WHERE (?1 IS NULL OR device_id = ?1) AND (?2 IS NULL OR "
                                 "state = ?2) AND (?3 IS NULL OR job_id = ?3) "
                                 "ORDER BY created_at_ms DESC, rowid DESC LIMIT ?4");
    bind_optional(select, 1, query.device_id);
    if (query.state) {
      select.bind(2, to_string(*query.state));
    } else {
      select.bind(2);
    }
    bind_optional(select, 3, query.job_id);
    select.bind(4, static_cast<std::int64_t>(query.limit));
    return all_rows(select);
  });
}

Result<bool> SqliteCommandStore::transition(std::string_view id,
                                            std::initializer_list<CommandState> from,
                                            const CommandUpdate& update) {
  return internal_on_failure("transition", [&]() -> Result<bool> {
    if (from.size() == 0 || from.size() > kMaxFromStates) {
      return make_error(ErrorCode::internal, "command store: a transition starts from 1-" +
                                                 std::to_string(kMaxFromStates) + " states");
    }
    std::lock_guard lock(impl_->mutex);
    StatementUse update_row(impl_->transition);
    update_row->bind(1, std::string(id));
    update_row->bind(2, to_string(update.state));
    bind_optional(*update_row, 3, update.sent_at_ms);
    bind_optional(*update_row, 4, update.deadline_ms);
    bind_optional(*update_row, 5, update.finished_at_ms);
    bind_optional(*update_row, 6, update.response_status);
    bind_optional(*update_row, 7, update.response_payload_json);
    bind_optional(*update_row, 8, update.responded_at_ms);
    int index = 9;
    for (CommandState state : from) update_row->bind(index++, to_string(state));
    while (index <= 8 + static_cast<int>(kMaxFromStates)) update_row->bind(index++);  // NULL
    if (update_row->exec() > 0) return true;
    StatementUse exists(impl_->exists);
    exists->bind(1, std::string(id));
    if (!exists->executeStep()) {
      return make_error(ErrorCode::not_found, "no command '" + std::string(id) + "'");
    }
    return false;
  });
}

Result<bool> SqliteCommandStore::record_late_answer(std::string_view id, int status,
                                                    std::string_view payload_json,
                                                    std::int64_t at_ms) {
  return internal_on_failure("record a late answer", [&]() -> Result<bool> {
    std::lock_guard lock(impl_->mutex);
    SQLite::Statement update(impl_->database,
                             "UPDATE commands SET response_status = ?2, response_payload = ?3, "
                             "responded_at_ms = ?4 WHERE id = ?1 AND response_status IS NULL");
    update.bind(1, std::string(id));
    update.bind(2, status);
    update.bind(3, std::string(payload_json));
    update.bind(4, at_ms);
    return update.exec() > 0;
  });
}

Result<std::vector<CommandRecord>> SqliteCommandStore::queued_for(
    std::string_view device_id) const {
  return internal_on_failure("list queued", [&]() -> Result<std::vector<CommandRecord>> {
    std::lock_guard lock(impl_->mutex);
    SQLite::Statement select(impl_->database, std::string(kColumns) +
                                                  " WHERE device_id = ?1 AND state = 'queued' "
                                                  "ORDER BY created_at_ms, rowid");
    select.bind(1, std::string(device_id));
    return all_rows(select);
  });
}

Result<std::size_t> SqliteCommandStore::count_queued(std::string_view device_id) const {
  return internal_on_failure("count queued", [&]() -> Result<std::size_t> {
    std::lock_guard lock(impl_->mutex);
    SQLite::Statement select(impl_->database,
                             "SELECT count(*) FROM commands WHERE device_id = ?1 AND "
                             "state = 'queued'");
    select.bind(1, std::string(device_id));
    select.executeStep();
    return static_cast<std::size_t>(select.getColumn(0).getInt64());
  });
}

Result<std::map<CommandState, std::size_t>> SqliteCommandStore::count_by_state() const {
  return internal_on_failure(
      "count by state", [&]() -> Result<std::map<CommandState, std::size_t>> {
        std::lock_guard lock(impl_->mutex);
        // Read from the index on state alone.
        SQLite::Statement select(impl_->database,
                                 "SELECT state, count(*) FROM commands GROUP BY state");
        std::map<CommandState, std::size_t> counts;
        while (select.executeStep()) {
          const auto state = parse_command_state(select.getColumn(0).getString());
          if (state) counts[*state] = static_cast<std::size_t>(select.getColumn(1).getInt64());
        }
        return counts;
      });
}

Result<std::vector<CommandRecord>> SqliteCommandStore::overdue(std::int64_t now_ms) const {
  return internal_on_failure("list overdue", [&]() -> Result<std::vector<CommandRecord>> {
    std::lock_guard lock(impl_->mutex);
    SQLite::Statement select(impl_->database,
                             std::string(kColumns) +
                                 " WHERE (state = 'queued' AND expires_at_ms <= ?1) OR "
                                 "(state = 'sent' AND deadline_ms <= ?1) ORDER BY created_at_ms");
    select.bind(1, now_ms);
    return all_rows(select);
  });
}

Result<std::size_t> SqliteCommandStore::forget_finished(std::int64_t finished_before_ms,
                                                        std::size_t keep_at_most) {
  return internal_on_failure("retention", [&]() -> Result<std::size_t> {
    std::lock_guard lock(impl_->mutex);
    SQLite::Transaction transaction(impl_->database);
    SQLite::Statement old(impl_->database,
                          "DELETE FROM commands WHERE finished_at_ms IS NOT NULL AND "
                          "finished_at_ms < ?1");
    old.bind(1, finished_before_ms);
    std::size_t deleted = static_cast<std::size_t>(old.exec());
    const auto finished = static_cast<std::size_t>(
        impl_->database.execAndGet("SELECT count(*) FROM commands WHERE finished_at_ms IS NOT NULL")
            .getInt64());
    if (finished > keep_at_most) {
      SQLite::Statement earliest(
          impl_->database,
          "DELETE FROM commands WHERE rowid IN (SELECT rowid FROM commands WHERE "
          "finished_at_ms IS NOT NULL ORDER BY finished_at_ms, rowid LIMIT ?1)");
      earliest.bind(1, static_cast<std::int64_t>(finished - keep_at_most));
      deleted += static_cast<std::size_t>(earliest.exec());
    }
    transaction.commit();
    return deleted;
  });
}

}  // namespace edgehub::hub

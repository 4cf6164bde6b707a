#include "sqlite/open_database.h"

#include <SQLiteCpp/Transaction.h>

#include <exception>
#include <string>

namespace edgehub::hub {
namespace {

int user_version(SQLite::Database& database) {
  return database.execAndGet("PRAGMA user_version").getInt();
}

// Brings the schema to schema.version; any exception rolls back.
Status upgrade(SQLite::Database& database, const DatabaseSchema& schema, const std::string& named) {
  // Checked before taking the write lock: a file that is up to date (the
  // usual case) is not locked at all.
  Result<std::vector<const SchemaStep*>> path = upgrade_path(schema, user_version(database));
  if (!path) return make_error(path.error().code, named + path.error().message);
  if (path->empty()) return ok_status();

  SQLite::Transaction transaction(database, SQLite::TransactionBehavior::IMMEDIATE);
  // Again under the lock: another process may have upgraded it meanwhile.
  const int found = user_version(database);
  path = upgrade_path(schema, found);
  if (!path) return make_error(path.error().code, named + path.error().message);
  int at = found;
  for (const SchemaStep* step : *path) {
    try {
      database.exec(step->sql);
    } catch (const std::exception& failure) {
      return make_error(ErrorCode::internal,
                        named + "upgrade from schema version " + std::to_string(at) + " to " +
                            std::to_string(step->to_version) + " failed: " + failure.what() +
                            " (the file is left at version " + std::to_string(found) + ")");
    }
    at = step->to_version;
  }
  // In the same transaction: PRAGMA user_version is written to the file's
  // header page like any other change.
  database.exec("PRAGMA user_version = " + std::to_string(schema.version));
  transaction.commit();
  return ok_status();
}

}  // namespace

Result<SQLite::Database> open_database(const std::filesystem::path& file,
                                       const DatabaseSchema& schema,
                                       const DatabaseOptions& options) {
  const std::string named = schema.name + " " + file.string() + ": ";
  try {
    int flags = SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;
    if (options.caller_serializes) flags |= SQLite::OPEN_NOMUTEX;
    SQLite::Database database(file.string(), flags, static_cast<int>(options.busy_timeout.count()));
    if (file != ":memory:") {
      const std::string mode = database.execAndGet("PRAGMA journal_mode = WAL").getString();
      if (mode != "wal") {
        return make_error(ErrorCode::internal,
                          named + "cannot switch to WAL journal mode (got '" + mode + "')");
      }
    }
    database.exec("PRAGMA synchronous = NORMAL");
    database.exec(options.foreign_keys ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
    if (Status upgraded = upgrade(database, schema, named); !upgraded) return upgraded.error();
    return database;
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal, named + failure.what());
  }
}

}  // namespace edgehub::hub

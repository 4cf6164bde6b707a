// How every hub database is opened: one place for the connection settings
// and for schema versions and upgrades (streams, registry, commands, twins,
// presence, routes).
#pragma once

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <filesystem>

#include "edgehub/common/result.h"
#include "sqlite/database_schema.h"

namespace edgehub::hub {

struct DatabaseOptions {
  // How long a statement waits for a lock another connection holds (a
  // checkpointing connection, the broker plugin reading registry.db) before
  // it fails with SQLITE_BUSY. Writers hold locks for microseconds.
  std::chrono::milliseconds busy_timeout{5000};
  bool foreign_keys = false;
  // The caller serializes every use of the connection with a mutex of its
  // own: SQLite's mutex would only be taken again, for each column of each
  // row read (SQLITE_OPEN_NOMUTEX).
  bool caller_serializes = false;
};

// Opens the file, creating it if missing, with what every hub database
// needs: WAL journal mode (":memory:" keeps SQLite's in-memory journal),
// synchronous=NORMAL (a commit survives the death of any process; a power
// cut may roll back the last commits but not corrupt the file), the busy
// timeout and foreign keys as asked. Then brings the schema up to
// schema.version (PRAGMA user_version) with upgrade_path's steps, all in one
// IMMEDIATE transaction: a step that fails leaves the file as it was.
//
// Errors (each message names the schema, the file and, for versions, both
// version numbers): conflict for a file newer than the code or at a version
// no step leads on from; internal for an I/O failure, a file that is not a
// SQLite database, a journal mode that cannot be WAL, or a failing step.
Result<SQLite::Database> open_database(const std::filesystem::path& file,
                                       const DatabaseSchema& schema,
                                       const DatabaseOptions& options = {});

}  // namespace edgehub::hub

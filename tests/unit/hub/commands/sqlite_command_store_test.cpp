// commands.db across reopening and schema upgrades.
#include "commands/sqlite_command_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include "edgehub/test/temp_directory.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

CommandRecord queued_command(const std::string& id) {
  CommandRecord command;
  command.id = id;
  command.device_id = "boiler-1";
  command.name = "reboot";
  command.timeout_ms = 5000;
  command.created_at_ms = 1000;
  command.expires_at_ms = 61000;
  return command;
}

bool has_index(const std::filesystem::path& file, const std::string& name) {
  SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
  SQLite::Statement query(reader, "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1");
  query.bind(1, name);
  return query.executeStep();
}

}  // namespace

TEST_CASE("a reopened command store keeps its commands") {
  test::TempDirectory directory;
  const auto file = directory.path() / "commands.db";
  REQUIRE(SqliteCommandStore::open(file)->insert(queued_command("c-1")).ok());
  const auto found = SqliteCommandStore::open(file)->find("c-1");
  REQUIRE(found.ok());
  CHECK(found->state == CommandState::queued);
  CHECK(has_index(file, "commands_by_finish"));
}

TEST_CASE("a commands.db of version 1 without the retention index gets it and keeps its commands") {
  test::TempDirectory directory;
  const auto file = directory.path() / "commands.db";
  REQUIRE(SqliteCommandStore::open(file)->insert(queued_command("c-1")).ok());
  {
    // As version 1 code before retention left it.
    SQLite::Database old(file.string(), SQLite::OPEN_READWRITE);
    old.exec("DROP INDEX commands_by_finish; PRAGMA user_version = 1");
  }
  REQUIRE_FALSE(has_index(file, "commands_by_finish"));
  auto store = SqliteCommandStore::open(file);
  CHECK(store->find("c-1").ok());
  CHECK(has_index(file, "commands_by_finish"));
  SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
  CHECK(reader.execAndGet("PRAGMA user_version").getInt() == 2);
}

// Opening a hub database: settings, versions and upgrades on real files.
#include "sqlite/open_database.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "edgehub/test/temp_directory.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

// Version 1 had readings (device, value); version 2 added a unit column,
// version 3 a table of notes. A fresh file is created at 3 in one step.
DatabaseSchema readings_schema() {
  return DatabaseSchema{
      "readings store",
      3,
      {SchemaStep{0, 3, R"sql(
         CREATE TABLE readings (device TEXT NOT NULL, value REAL NOT NULL,
                                unit TEXT NOT NULL DEFAULT 'C');
         CREATE TABLE notes (text TEXT NOT NULL);
       )sql"},
       SchemaStep{1, 2, "ALTER TABLE readings ADD COLUMN unit TEXT NOT NULL DEFAULT 'C'"},
       SchemaStep{2, 3, "CREATE TABLE notes (text TEXT NOT NULL)"}}};
}

struct Files {
  test::TempDirectory directory;
  std::filesystem::path file = directory.path() / "readings.db";

  // A file as version 1 of the code left it.
  void write_version_1() {
    SQLite::Database old(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec(R"sql(
      CREATE TABLE readings (device TEXT NOT NULL, value REAL NOT NULL);
      INSERT INTO readings VALUES ('boiler-1', 21.5);
      PRAGMA user_version = 1;
    )sql");
  }

  int version_on_disk() const {
    SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
    return reader.execAndGet("PRAGMA user_version").getInt();
  }

  bool has_table(const std::string& name) const {
    SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
    return reader.tableExists(name);
  }
};

}  // namespace

TEST_CASE("a fresh file gets the current schema, WAL, synchronous=NORMAL and the busy timeout") {
  Files files;
  auto database = open_database(files.file, readings_schema());
  REQUIRE(database.ok());
  CHECK(database->execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(database->execAndGet("PRAGMA synchronous").getInt() == 1);  // NORMAL
  CHECK(database->execAndGet("PRAGMA busy_timeout").getInt() == 5000);
  CHECK(database->execAndGet("PRAGMA foreign_keys").getInt() == 0);
  database->exec("INSERT INTO readings (device, value) VALUES ('d1', 1.0)");
  CHECK(database->execAndGet("SELECT unit FROM readings").getString() == "C");
  CHECK(files.version_on_disk() == 3);
  CHECK(files.has_table("notes"));
}

TEST_CASE("the busy timeout and foreign keys follow the options") {
  Files files;
  DatabaseOptions options;
  options.busy_timeout = 250ms;
  options.foreign_keys = true;
  options.caller_serializes = true;
  auto database = open_database(files.file, readings_schema(), options);
  REQUIRE(database.ok());
  CHECK(database->execAndGet("PRAGMA busy_timeout").getInt() == 250);
  CHECK(database->execAndGet("PRAGMA foreign_keys").getInt() == 1);
}

TEST_CASE("a file of an older version is upgraded in place and keeps its rows") {
  Files files;
  files.write_version_1();
  auto database = open_database(files.file, readings_schema());
  REQUIRE(database.ok());
  CHECK(files.version_on_disk() == 3);
  CHECK(files.has_table("notes"));
  SQLite::Statement row(*database, "SELECT device, value, unit FROM readings");
  REQUIRE(row.executeStep());
  CHECK(row.getColumn(0).getString() == "boiler-1");
  CHECK(row.getColumn(1).getDouble() == 21.5);
  CHECK(row.getColumn(2).getString() == "C");
}

TEST_CASE("a file at the current version is opened without running any step") {
  Files files;
  REQUIRE(open_database(files.file, readings_schema()).ok());
  // Every step would fail on this file (the tables exist): none is run.
  auto again = open_database(files.file, readings_schema());
  REQUIRE(again.ok());
  CHECK(files.version_on_disk() == 3);
}

TEST_CASE(
    "a file newer than the code is refused, naming the file and both versions, and left as it "
    "was") {
  Files files;
  {
    SQLite::Database newer(files.file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    newer.exec("CREATE TABLE future (x); PRAGMA user_version = 7");
  }
  auto database = open_database(files.file, readings_schema());
  REQUIRE_FALSE(database.ok());
  CHECK(database.error().code == ErrorCode::conflict);
  const std::string& message = database.error().message;
  CHECK(message.find("readings store") != std::string::npos);
  CHECK(message.find(files.file.string()) != std::string::npos);
  CHECK(message.find("schema version 7") != std::string::npos);
  CHECK(message.find("this program's 3") != std::string::npos);
  CHECK(files.version_on_disk() == 7);
}

TEST_CASE("a failing step rolls back the whole upgrade, the steps before it included") {
  Files files;
  files.write_version_1();
  DatabaseSchema broken = readings_schema();
  broken.steps[2].sql = "CREATE TABLE notes (text TEXT NOT NULL); SELECT no_such_function()";
  auto database = open_database(files.file, broken);
  REQUIRE_FALSE(database.ok());
  CHECK(database.error().code == ErrorCode::internal);
  const std::string& message = database.error().message;
  CHECK(message.find(files.file.string()) != std::string::npos);
  CHECK(message.find("from schema version 2 to 3 failed") != std::string::npos);
  CHECK(message.find("no_such_function") != std::string::npos);
  // Neither step 1 -> 2 (the column) nor the half of 2 -> 3 stayed.
  CHECK(files.version_on_disk() == 1);
  CHECK_FALSE(files.has_table("notes"));
  SQLite::Database reader(files.file.string(), SQLite::OPEN_READONLY);
  CHECK_THROWS(reader.exec("SELECT unit FROM readings"));
  // The code fixed, the same file upgrades.
  CHECK(open_database(files.file, readings_schema()).ok());
  CHECK(files.version_on_disk() == 3);
}

TEST_CASE("a file at a version no step leads on from is refused") {
  Files files;
  {
    SQLite::Database odd(files.file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    odd.exec("PRAGMA user_version = 1");
  }
  DatabaseSchema fresh_only{"readings store", 3, {readings_schema().steps[0]}};
  auto database = open_database(files.file, fresh_only);
  REQUIRE_FALSE(database.ok());
  CHECK(database.error().code == ErrorCode::conflict);
  CHECK(database.error().message.find("no step from version 1") != std::string::npos);
}

TEST_CASE("a file that is not a database is an error naming it") {
  Files files;
  std::ofstream(files.file) << std::string(4096, 'x');
  auto database = open_database(files.file, readings_schema());
  REQUIRE_FALSE(database.ok());
  CHECK(database.error().code == ErrorCode::internal);
  CHECK(database.error().message.find(files.file.string()) != std::string::npos);
}

TEST_CASE("a file in a missing directory is an error naming it") {
  Files files;
  const auto file = files.directory.path() / "missing" / "readings.db";
  auto database = open_database(file, readings_schema());
  REQUIRE_FALSE(database.ok());
  CHECK(database.error().code == ErrorCode::internal);
  CHECK(database.error().message.find(file.string()) != std::string::npos);
}

TEST_CASE("an in-memory database keeps SQLite's in-memory journal") {
  auto database = open_database(":memory:", readings_schema());
  REQUIRE(database.ok());
  CHECK(database->execAndGet("PRAGMA journal_mode").getString() == "memory");
  CHECK(database->execAndGet("PRAGMA user_version").getInt() == 3);
}

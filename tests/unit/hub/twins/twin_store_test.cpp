// What only the file-backed twin store does: twins.db across reopening,
// also a file written before schema versions were kept.
#include "twins/twin_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <stdexcept>

#include "edgehub/test/temp_directory.h"

using namespace edgehub;
using namespace edgehub::hub;

TEST_CASE("a reopened twin store keeps desired properties and their version") {
  test::TempDirectory directory;
  const auto file = directory.path() / "twins.db";
  {
    auto store = TwinStore::open(file);
    REQUIRE(store->patch_desired("boiler-1", R"({"target":21})", std::nullopt, 1000).ok());
  }
  auto store = TwinStore::open(file);
  const auto twin = store->get("boiler-1");
  REQUIRE(twin.ok());
  CHECK(twin->desired.properties_json == R"({"target":21})");
  CHECK(twin->desired.version == 1);
}

TEST_CASE("a twins.db written before schema versions were kept opens with its twins") {
  test::TempDirectory directory;
  const auto file = directory.path() / "twins.db";
  {
    SQLite::Database old(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec(R"sql(
      CREATE TABLE twins (
        device_id TEXT PRIMARY KEY, desired TEXT NOT NULL DEFAULT '{}',
        desired_version INTEGER NOT NULL DEFAULT 0,
        desired_updated_at_ms INTEGER NOT NULL DEFAULT 0,
        reported TEXT NOT NULL DEFAULT '{}', reported_version INTEGER NOT NULL DEFAULT 0,
        reported_updated_at_ms INTEGER NOT NULL DEFAULT 0,
        desired_acknowledged INTEGER NOT NULL DEFAULT 0);
      INSERT INTO twins VALUES ('boiler-1', '{"target":19}', 4, 1000, '{"fw":"1.2"}', 9, 2000, 4);
    )sql");
  }
  auto store = TwinStore::open(file);
  const auto twin = store->get("boiler-1");
  REQUIRE(twin.ok());
  CHECK(twin->desired.version == 4);
  CHECK(twin->reported.properties_json == R"({"fw":"1.2"})");
  CHECK(twin->desired_acknowledged_version == 4);
  REQUIRE(store->patch_desired("boiler-1", R"({"target":20})", 4, 3000).ok());
  CHECK(store->get("boiler-1")->desired.version == 5);
  SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
  CHECK(reader.execAndGet("PRAGMA user_version").getInt() == 1);
}

TEST_CASE("a twins.db of a newer schema version is refused naming the file") {
  test::TempDirectory directory;
  const auto file = directory.path() / "twins.db";
  {
    SQLite::Database newer(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    newer.exec("PRAGMA user_version = 2");
  }
  try {
    TwinStore::open(file);
    FAIL("opened");
  } catch (const std::runtime_error& failure) {
    const std::string message = failure.what();
    CHECK(message.find(file.string()) != std::string::npos);
    CHECK(message.find("schema version 2") != std::string::npos);
  }
}

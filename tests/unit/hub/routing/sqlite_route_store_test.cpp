// routes.db: routes across reopening, also a file written before schema
// versions were kept.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include "edgehub/test/temp_directory.h"
#include "routing/route_store.h"

using namespace edgehub;
using namespace edgehub::hub;

TEST_CASE("a reopened route store keeps its routes and refuses a second route of a name") {
  test::TempDirectory directory;
  const auto file = directory.path() / "routes.db";
  {
    auto store = open_sqlite_route_store(file);
    REQUIRE(store->add(RouteDefinition{"hot", "$.t > 30", "", "alerts", 1000}).ok());
  }
  auto store = open_sqlite_route_store(file);
  const auto routes = store->list();
  REQUIRE(routes.ok());
  REQUIRE(routes->size() == 1);
  CHECK(routes->at(0).condition == "$.t > 30");
  CHECK(store->add(RouteDefinition{"hot", "1", "", "other", 2000}).error().code ==
        ErrorCode::conflict);
}

TEST_CASE("a routes.db written before schema versions were kept opens with its routes") {
  test::TempDirectory directory;
  const auto file = directory.path() / "routes.db";
  {
    SQLite::Database old(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec(R"sql(
      CREATE TABLE routes (name TEXT PRIMARY KEY, condition TEXT NOT NULL,
        projection TEXT NOT NULL, stream TEXT NOT NULL, created_at_ms INTEGER NOT NULL);
      INSERT INTO routes VALUES ('hot', '$.t > 30', '', 'alerts', 1000);
    )sql");
  }
  auto store = open_sqlite_route_store(file);
  const auto routes = store->list();
  REQUIRE(routes.ok());
  REQUIRE(routes->size() == 1);
  CHECK(routes->at(0).stream == "alerts");
  CHECK(routes->at(0).created_at_ms == 1000);
  SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
  CHECK(reader.execAndGet("PRAGMA user_version").getInt() == 1);
  CHECK(reader.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

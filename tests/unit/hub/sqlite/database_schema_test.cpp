// Which upgrade steps a file at a given version takes (no files).
#include "sqlite/database_schema.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace edgehub;
using namespace edgehub::hub;

namespace {

// Like the stream store: a fresh file goes to 2 at once, files of version 1
// take the upgrade, then every file takes 2 -> 3.
DatabaseSchema streams_like() {
  return DatabaseSchema{"test store",
                        3,
                        {SchemaStep{0, 2, "fresh"}, SchemaStep{1, 2, "one to two"},
                         SchemaStep{2, 3, "two to three"}}};
}

std::vector<std::string> sql_of(const Result<std::vector<const SchemaStep*>>& path) {
  REQUIRE(path.ok());
  std::vector<std::string> sql;
  for (const SchemaStep* step : *path) sql.push_back(step->sql);
  return sql;
}

}  // namespace

TEST_CASE("a fresh file takes the step from version 0, then the later ones") {
  CHECK(sql_of(upgrade_path(streams_like(), 0)) ==
        std::vector<std::string>{"fresh", "two to three"});
}

TEST_CASE("an older file takes every step from its own version on") {
  CHECK(sql_of(upgrade_path(streams_like(), 1)) ==
        std::vector<std::string>{"one to two", "two to three"});
  CHECK(sql_of(upgrade_path(streams_like(), 2)) == std::vector<std::string>{"two to three"});
}

TEST_CASE("a file at the code's version takes no step") {
  CHECK(sql_of(upgrade_path(streams_like(), 3)).empty());
}

TEST_CASE("a file newer than the code is refused, with both versions") {
  const auto path = upgrade_path(streams_like(), 4);
  REQUIRE_FALSE(path.ok());
  CHECK(path.error().code == ErrorCode::conflict);
  CHECK(path.error().message.find("schema version 4") != std::string::npos);
  CHECK(path.error().message.find("this program's 3") != std::string::npos);
}

TEST_CASE("a version no step leads on from is refused") {
  const DatabaseSchema gap{"test store", 3, {SchemaStep{0, 1, "a"}, SchemaStep{2, 3, "c"}}};
  const auto path = upgrade_path(gap, 0);
  REQUIRE_FALSE(path.ok());
  CHECK(path.error().code == ErrorCode::conflict);
  CHECK(path.error().message.find("no step from version 1") != std::string::npos);
}

TEST_CASE("steps that go backwards or past the code's version are never taken") {
  const DatabaseSchema odd{
      "test store",
      2,
      {SchemaStep{1, 1, "loop"}, SchemaStep{1, 5, "too far"}, SchemaStep{1, 2, "ok"}}};
  CHECK(sql_of(upgrade_path(odd, 1)) == std::vector<std::string>{"ok"});
}

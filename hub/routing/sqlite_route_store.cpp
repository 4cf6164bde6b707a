#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <mutex>
#include <stdexcept>

#include "routing/route_store.h"
#include "sqlite/open_database.h"

namespace edgehub::hub {
namespace {

// Version 1; files written before versions were kept (version 0) have the
// same table.
constexpr const char* kCreateRoutes = R"sql(
CREATE TABLE IF NOT EXISTS routes (
  name           TEXT PRIMARY KEY,
  condition      TEXT NOT NULL,
  projection     TEXT NOT NULL,   -- '' : the data as is
  stream         TEXT NOT NULL,
  created_at_ms  INTEGER NOT NULL
);
)sql";

DatabaseSchema route_database_schema() {
  return DatabaseSchema{"route store", 1, {SchemaStep{0, 1, kCreateRoutes}}};
}

class SqliteRouteStore final : public RouteStore {
 public:
  explicit SqliteRouteStore(SQLite::Database database) : db_(std::move(database)) {}

  Status add(const RouteDefinition& route) override {
    std::lock_guard lock(mutex_);
    try {
      SQLite::Statement insert(db_,
                               "INSERT INTO routes (name, condition, projection, stream, "
                               "created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)");
      insert.bind(1, route.name);
      insert.bind(2, route.condition);
      insert.bind(3, route.projection);
      insert.bind(4, route.stream);
      insert.bind(5, static_cast<std::int64_t>(route.created_at_ms));
      insert.exec();
      return ok_status();
    } catch (const SQLite::Exception& failure) {
      if (failure.getErrorCode() == SQLITE_CONSTRAINT) {
        return make_error(ErrorCode::conflict, "route '" + route.name + "' exists already");
      }
      return make_error(ErrorCode::internal, std::string("routes.db: ") + failure.what());
    }
  }

  Status remove(std::string_view name) override {
    std::lock_guard lock(mutex_);
    try {
      SQLite::Statement erase(db_, "DELETE FROM routes WHERE name = ?1");
      erase.bind(1, std::string(name));
      if (erase.exec() == 0) {
        return make_error(ErrorCode::not_found, "no route named '" + std::string(name) + "'");
      }
      return ok_status();
    } catch (const SQLite::Exception& failure) {
      return make_error(ErrorCode::internal, std::string("routes.db: ") + failure.what());
    }
  }

  Result<std::vector<RouteDefinition>> list() const override {
    std::lock_guard lock(mutex_);
    try {
      SQLite::Statement select(db_,
                               "SELECT name, condition, projection, stream, created_at_ms "
                               "FROM routes ORDER BY name");
      std::vector<RouteDefinition> routes;
      while (select.executeStep()) {
        RouteDefinition route;
        route.name = select.getColumn(0).getString();
        route.condition = select.getColumn(1).getString();
        route.projection = select.getColumn(2).getString();
        route.stream = select.getColumn(3).getString();
        route.created_at_ms = select.getColumn(4).getInt64();
        routes.push_back(std::move(route));
      }
      return routes;
    } catch (const SQLite::Exception& failure) {
      return make_error(ErrorCode::internal, std::string("routes.db: ") + failure.what());
    }
  }

 private:
  mutable std::mutex mutex_;
  mutable SQLite::Database db_;
};

}  // namespace

std::unique_ptr<RouteStore> open_sqlite_route_store(const std::filesystem::path& file) {
  Result<SQLite::Database> database = open_database(file, route_database_schema());
  if (!database) throw std::runtime_error("cannot open " + database.error().message);
  return std::make_unique<SqliteRouteStore>(std::move(database).value());
}

}  // namespace edgehub::hub

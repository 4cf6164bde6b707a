// Where route definitions are kept (hubd: <data-dir>/routes.db).
#pragma once

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"
#include "routing/route.h"

namespace edgehub::hub {

class RouteStore {
 public:
  virtual ~RouteStore() = default;
  // conflict if a route of that name exists.
  virtual Status add(const RouteDefinition& route) = 0;
  // not_found if absent.
  virtual Status remove(std::string_view name) = 0;
  // By name.
  virtual Result<std::vector<RouteDefinition>> list() const = 0;
};

// In memory, for tests.
std::unique_ptr<RouteStore> make_memory_route_store();

// SQLite file with one table `routes` (name PRIMARY KEY, condition,
// projection, stream, created_at_ms). Throws std::runtime_error naming the
// file when it cannot be opened or created.
std::unique_ptr<RouteStore> open_sqlite_route_store(const std::filesystem::path& file);

}  // namespace edgehub::hub

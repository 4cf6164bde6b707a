#include <map>
#include <mutex>
#include <string>

#include "routing/route_store.h"

namespace edgehub::hub {
namespace {

class MemoryRouteStore final : public RouteStore {
 public:
  Status add(const RouteDefinition& route) override {
    std::lock_guard lock(mutex_);
    if (!routes_.emplace(route.name, route).second) {
      return make_error(ErrorCode::conflict, "route '" + route.name + "' exists already");
    }
    return ok_status();
  }
  Status remove(std::string_view name) override {
    std::lock_guard lock(mutex_);
    if (routes_.erase(std::string(name)) == 0) {
      return make_error(ErrorCode::not_found, "no route named '" + std::string(name) + "'");
    }
    return ok_status();
  }
  Result<std::vector<RouteDefinition>> list() const override {
    std::lock_guard lock(mutex_);
    std::vector<RouteDefinition> routes;
    for (const auto& [name, route] : routes_) routes.push_back(route);
    return routes;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, RouteDefinition, std::less<>> routes_;
};

}  // namespace

std::unique_ptr<RouteStore> make_memory_route_store() {
  return std::make_unique<MemoryRouteStore>();
}

}  // namespace edgehub::hub

// The routes in force: definitions kept in a RouteStore, compiled once, and
// evaluated for every new telemetry message. Thread-safe (one mutex: routes
// are evaluated on hubd's single ingest thread; REST calls are rare).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"
#include "routing/route.h"
#include "routing/route_expression.h"
#include "routing/route_store.h"

namespace edgehub::hub {

// The device's registry attributes as a JSON object text; "{}" for a device
// without attributes or not registered.
using AttributeLookup = std::function<std::string(std::string_view device)>;

struct RouteStatus {
  RouteDefinition definition;
  std::uint64_t matched = 0;   // messages routed since hubd started
  std::uint64_t errors = 0;    // evaluations that failed since hubd started
  std::uint64_t overruns = 0;  // evaluations cut off at the budget since hubd started
  // Set when the route was disabled (until it is added again or hubd restarts).
  std::optional<std::string> disabled_reason;
};

struct RoutedCopy {
  std::string route;
  std::string stream;
  std::string payload;  // JSON text
};

struct RouteFailure {
  std::string route;
  std::string message;       // SQLite's
  bool over_budget = false;  // cut off at its time/work budget
};

struct RoutingOutcome {
  std::vector<RoutedCopy> copies;  // in route name order
  std::vector<RouteFailure> failures;
};

struct RouteTestOutcome {
  bool matched = false;
  std::optional<std::string> output;  // JSON text, when matched
  std::optional<std::string> error;   // the evaluation failed at run time
  std::string attributes_json;        // what attributes.$ saw
};

struct RouteTableSettings {
  // How long a device's attributes are reused before the registry is asked
  // again (they only change when a device is removed and added again).
  std::chrono::milliseconds attribute_cache_ttl{5000};
  std::function<std::int64_t()> now_ms;  // for created_at_ms; system clock if empty
  // The longest one evaluation of a route may take; an evaluation over it is
  // cut off, the message is not routed by that route (dead letter naming it).
  std::chrono::microseconds time_budget = kDefaultRouteTimeBudget;
  // A route cut off this many messages in a row is disabled (logged, shown
  // in the listing): it would cost every message its budget.
  std::uint32_t overruns_before_disable = 10;
  // Told (under the table's lock: must not call back into it) when a route
  // is disabled; hubd logs it.
  std::function<void(const std::string& route, const std::string& reason)> on_disabled;
};

class RouteTable {
 public:
  // Compiles every stored route; throws std::runtime_error naming a stored
  // route that does not compile (start-up failure).
  RouteTable(RouteStore& store, AttributeLookup attributes, RouteTableSettings settings = {});
  ~RouteTable();

  // invalid_argument (SQLite's message) if it does not compile or is not
  // acceptable, or if a trial run on an empty message ({}) already exceeds
  // the budget or a limit; conflict if the name is taken.
  Result<RouteStatus> add(RouteDefinition route);
  Status remove(std::string_view name);  // not_found
  std::vector<RouteStatus> list() const;
  Result<RouteStatus> find(std::string_view name) const;  // not_found
  bool empty() const;

  // What `route` does to one message, without storing anything. The
  // route's name and stream are not checked (ad hoc rules have none).
  Result<RouteTestOutcome> test(const RouteDefinition& route, std::string_view device,
                                std::uint64_t seq, std::string_view data_json);

  // Evaluates every route for one message (message.attributes_json is
  // filled from the lookup when a route needs it).
  RoutingOutcome route(RouteMessage message);

  // Forgets cached attributes (of one device, or of all).
  void forget_attributes(std::optional<std::string_view> device = std::nullopt);

 private:
  struct Active;
  std::string attributes_of(std::string_view device);
  void note_overrun(Active& active);

  RouteStore& store_;
  AttributeLookup lookup_;
  RouteTableSettings settings_;
  mutable std::mutex mutex_;
  RouteEngine engine_;
  std::vector<std::unique_ptr<Active>> routes_;  // by name
  struct CachedAttributes {
    std::string json;
    std::chrono::steady_clock::time_point expires;
  };
  std::map<std::string, CachedAttributes, std::less<>> attribute_cache_;
};

}  // namespace edgehub::hub

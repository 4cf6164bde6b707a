// Conditions and projections of routes, compiled and evaluated by SQLite.
//
// An expression is SQL (SQLite's dialect) over one message, with data paths
// rewritten by route_expression_rewrite.h. Names it may use:
//   $.path, $            the message's data (json_extract: JSON numbers are
//                        INTEGER/REAL, strings TEXT, true/false 1/0, null and
//                        missing fields NULL, objects/arrays JSON text)
//   attributes.$.path    the device's registry attributes
//   device, seq, received_at_ms
//   payload, attributes  the data / attributes as JSON text
// and SQLite's operators and scalar functions (json_*, LIKE, GLOB, CAST, ...),
// except functions that touch files or allocate at will (load_extension,
// readfile, writefile, edit, fts3_tokenizer, zeroblob, randomblob) or run
// unbounded inside one step (printf, format). No
// subqueries, no tables, no parameters, no ';'. An evaluation is cut off after
// a bounded amount of work or time (the budget: ErrorCode::timeout); LIKE/GLOB
// patterns over 256 bytes, expressions nested over 100 deep, values over 16
// MiB fail (ErrorCode::too_large).
//
// A condition matches when it is true (non-zero); false and NULL (missing
// fields) do not match. A projection's value becomes the routed payload as
// JSON (json_quote: objects and arrays as built, strings quoted, NULL null).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hub {

// Per evaluation: far above what a condition over one message takes (tens of
// microseconds), low enough that a route cannot hold up ingest.
inline constexpr std::chrono::microseconds kDefaultRouteTimeBudget{50000};

struct RouteMessage {
  std::string_view device;
  std::uint64_t seq = 0;
  std::int64_t received_at_ms = 0;
  std::string_view data_json;
  std::string_view attributes_json = "{}";
};

struct RouteEvaluation {
  bool matched = false;
  std::optional<std::string> output;  // JSON text, when matched
};

class CompiledRoute;

// One private in-memory SQLite connection. Not thread-safe: the caller
// serialises compile() and evaluations of the routes it compiled. Outlives
// every CompiledRoute it made.
class RouteEngine {
 public:
  // Throws std::runtime_error if SQLite cannot open memory. time_budget: the
  // longest one evaluation (condition or projection) may run.
  explicit RouteEngine(std::chrono::microseconds time_budget = kDefaultRouteTimeBudget);
  ~RouteEngine();
  RouteEngine(const RouteEngine&) = delete;
  RouteEngine& operator=(const RouteEngine&) = delete;

  // invalid_argument with SQLite's message (or the rewrite's) if either does
  // not compile or uses something not allowed. An empty projection means
  // "the data as is".
  Result<std::unique_ptr<CompiledRoute>> compile(std::string_view condition,
                                                 std::string_view projection);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::chrono::microseconds time_budget_;
};

class CompiledRoute {
 public:
  ~CompiledRoute();
  CompiledRoute(const CompiledRoute&) = delete;
  CompiledRoute& operator=(const CompiledRoute&) = delete;

  // invalid_argument with SQLite's message when the evaluation fails for
  // this message (malformed JSON given to json(), ...); timeout when it
  // exceeded its budget; too_large when it hit a limit (pattern, length).
  Result<RouteEvaluation> evaluate(const RouteMessage& message);
  // Whether the expressions mention the registry attributes (only then are
  // they looked up).
  bool uses_attributes() const { return uses_attributes_; }

  struct Statements;
  CompiledRoute(RouteEngine::Impl& engine, std::unique_ptr<Statements> statements,
                bool uses_attributes, std::chrono::microseconds time_budget);

 private:
  RouteEngine::Impl& engine_;
  std::unique_ptr<Statements> statements_;
  bool uses_attributes_ = false;
  std::chrono::microseconds time_budget_;
};

}  // namespace edgehub::hub

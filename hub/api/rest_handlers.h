// The operator REST API of docs/protocol.md section 6, as functions from
// request parts to ApiResponse (no socket: rest_server.h routes HTTP to them).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_response.h"
#include "api/device_enrollment.h"
#include "api/export_handlers.h"
#include "api/identity_handlers.h"
#include "api/operator_handlers.h"
#include "api/stream_handlers.h"
#include "commands/command_dispatcher.h"
#include "metrics/metrics_registry.h"
#include "presence/device_limit_hits.h"
#include "presence/device_presence.h"
#include "registry/device_registry.h"
#include "routing/route_table.h"
#include "streams/stream_store.h"
#include "twins/twin_service.h"

namespace edgehub::hub {

struct HealthReport {
  bool broker_connected = false;
  // Extra, for operators (telemetry stored, duplicates, ...): "counters".
  std::map<std::string, std::uint64_t> counters;
  // What keeps the hub from working fully (a full disk); none: status "ok",
  // else "degraded" with these sentences.
  std::vector<std::string> problems;
};

struct RestDependencies {
  DeviceRegistry& registry;
  StreamStore& streams;
  CommandDispatcher& commands;
  DeviceEnrollment& enrollment;
  std::function<HealthReport()> health;
  std::string version;
};

inline constexpr std::size_t kMaxRecordsPerRead = 10000;
inline constexpr std::size_t kDefaultRecordsPerRead = 100;

class RestHandlers {
 public:
  explicit RestHandlers(RestDependencies dependencies);

  ApiResponse health() const;  // GET /health
  // What health() answers, as values (hubd's metrics read the counters).
  HealthReport health_report() const;
  // GET /devices?limit=&after=&state= (device_list_query.h; absent: defaults):
  // {"devices": [...], "next_after": "<id>" (only when there is more)}.
  ApiResponse list_devices(std::optional<std::string_view> limit = std::nullopt,
                           std::optional<std::string_view> after = std::nullopt,
                           std::optional<std::string_view> state = std::nullopt) const;
  ApiResponse add_device(std::string_view body);                         // POST /devices
  ApiResponse get_device(std::string_view id) const;                     // GET /devices/{id}
  ApiResponse delete_device(std::string_view id);                        // DELETE /devices/{id}
  ApiResponse send_command(std::string_view id, std::string_view body);  // POST .../commands
  ApiResponse list_streams() const;                                      // GET /streams
  // GET /streams/{name}/records?from=&limit= (absent parameters: defaults).
  ApiResponse read_records(std::string_view stream, std::optional<std::string_view> from,
                           std::optional<std::string_view> limit) const;

  // Commands beyond send_command (command_handlers.h, command_routes.h).
  CommandDispatcher& commands() { return dependencies_.commands; }
  const DeviceRegistry& registry() const { return dependencies_.registry; }
  // Devices then show their connection state and last-seen time.
  void set_presence(const DevicePresence& presence) { presence_ = &presence; }
  // Devices then show how often they hit each per-device limit since hubd
  // started ("limit_hits": {"messages_per_second": 3, ...}).
  void set_limit_hits(const DeviceLimitHits& hits) { limit_hits_ = &hits; }
  // Twins (twin_routes.h); 503 until set.
  void set_twins(TwinService& twins) { twins_ = &twins; }
  TwinService* twins() { return twins_; }
  // Device identities (identity_routes.h); 503 until set.
  void set_identities(IdentityHandlers& identities) { identities_ = &identities; }
  IdentityHandlers* identities() { return identities_; }
  // Operators (operator_handlers.h); 503 until set.
  void set_operators(OperatorHandlers& operators) { operators_ = &operators; }
  OperatorHandlers* operators() { return operators_; }
  // Exports (export_handlers.h); 503 until set.
  void set_exports(ExportHandlers& exports) { exports_ = &exports; }
  ExportHandlers* exports() { return exports_; }

  // GET /metrics (metrics_route.h); 503 until set.
  void set_metrics(const MetricsRegistry& metrics) { metrics_ = &metrics; }
  const MetricsRegistry* metrics() const { return metrics_; }

  // Streams and consumers beyond the two calls above (stream_handlers.h).
  StreamHandlers& streams() { return streams_; }

  // Routes (route_handlers.cpp); 503 until set_routes() is called.
  void set_routes(RouteTable& routes) { routes_ = &routes; }
  ApiResponse list_routes() const;                  // GET /routes
  ApiResponse add_route(std::string_view body);     // POST /routes
  ApiResponse delete_route(std::string_view name);  // DELETE /routes/{name}
  ApiResponse test_route(std::string_view body);    // POST /routes/test

 private:
  RestDependencies dependencies_;
  StreamHandlers streams_;
  RouteTable* routes_ = nullptr;
  const DevicePresence* presence_ = nullptr;
  const DeviceLimitHits* limit_hits_ = nullptr;
  TwinService* twins_ = nullptr;
  IdentityHandlers* identities_ = nullptr;
  OperatorHandlers* operators_ = nullptr;
  const MetricsRegistry* metrics_ = nullptr;
  ExportHandlers* exports_ = nullptr;
};

}  // namespace edgehub::hub

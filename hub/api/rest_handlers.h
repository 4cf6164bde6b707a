// The operator REST API of docs/protocol.md section 6, as functions from
// request parts to ApiResponse (no socket: rest_server.h routes HTTP to them).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "api/api_response.h"
#include "api/device_enrollment.h"
#include "commands/command_dispatcher.h"
#include "registry/device_registry.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

struct HealthReport {
  bool broker_connected = false;
  // Extra, for operators (telemetry stored, duplicates, ...): "counters".
  std::map<std::string, std::uint64_t> counters;
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

  ApiResponse health() const;                                            // GET /health
  ApiResponse list_devices() const;                                      // GET /devices
  ApiResponse add_device(std::string_view body);                         // POST /devices
  ApiResponse get_device(std::string_view id) const;                     // GET /devices/{id}
  ApiResponse delete_device(std::string_view id);                        // DELETE /devices/{id}
  ApiResponse send_command(std::string_view id, std::string_view body);  // POST .../commands
  ApiResponse list_streams() const;                                      // GET /streams
  // GET /streams/{name}/records?from=&limit= (absent parameters: defaults).
  ApiResponse read_records(std::string_view stream, std::optional<std::string_view> from,
                           std::optional<std::string_view> limit) const;

 private:
  RestDependencies dependencies_;
};

}  // namespace edgehub::hub

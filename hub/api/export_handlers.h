// The export endpoints (issue 15; roles in route_roles.cpp):
//   GET    /api/v1/exports               -> {"exports": [<export>...]}        viewer
//   POST   /api/v1/exports <definition>  -> 201 <export>                      admin
//          (exports/export_definition.h, plus "start": "earliest"|"latest"|offset)
//   GET    /api/v1/exports/{name}        -> <export>                          viewer
//   POST   /api/v1/exports/{name}/pause  -> <export>                          operator
//   POST   /api/v1/exports/{name}/resume -> <export>                          operator
//   DELETE /api/v1/exports/{name}        -> 204                               admin
// <export>: the definition plus state, position, lag_records,
// oldest_unexported_age_ms, skipped_records, sent, records_per_second,
// failures, last_error, ... (exports/export_service.h, export_view_json).
#pragma once

#include <string_view>

#include "api/api_response.h"
#include "exports/export_service.h"

namespace edgehub::hub {

class ExportHandlers {
 public:
  explicit ExportHandlers(ExportService& exports) : exports_(exports) {}

  ApiResponse list() const;
  ApiResponse add(std::string_view body);
  ApiResponse show(std::string_view name) const;
  ApiResponse pause(std::string_view name) { return set_paused(name, true); }
  ApiResponse resume(std::string_view name) { return set_paused(name, false); }
  ApiResponse remove(std::string_view name);

 private:
  ApiResponse set_paused(std::string_view name, bool paused);
  ExportService& exports_;
};

}  // namespace edgehub::hub

#include "api/export_handlers.h"

#include "api/json_views.h"

namespace edgehub::hub {
namespace {

ApiResponse view_response(int status, const Result<ExportView>& view) {
  if (!view) return error_response(view.error());
  return ApiResponse{status, export_view_json(*view).dump()};
}

}  // namespace

ApiResponse ExportHandlers::list() const {
  auto views = exports_.list();
  if (!views) return error_response(views.error());
  nlohmann::json list = nlohmann::json::array();
  for (const ExportView& view : *views) list.push_back(export_view_json(view));
  return ApiResponse{200, nlohmann::json{{"exports", list}}.dump()};
}

ApiResponse ExportHandlers::add(std::string_view body) {
  // Parsed with the API's own limits (depth, object shape) first.
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  return view_response(201, exports_.add(nlohmann::json::parse(request->dump())));
}

ApiResponse ExportHandlers::show(std::string_view name) const {
  return view_response(200, exports_.show(name));
}

ApiResponse ExportHandlers::set_paused(std::string_view name, bool paused) {
  return view_response(200, exports_.set_paused(name, paused));
}

ApiResponse ExportHandlers::remove(std::string_view name) {
  if (Status removed = exports_.remove(name); !removed) return error_response(removed.error());
  return ApiResponse{204, ""};
}

}  // namespace edgehub::hub

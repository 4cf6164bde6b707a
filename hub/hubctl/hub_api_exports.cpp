// HubApi: export calls (/api/v1/exports, hub/api/export_handlers.h).
#include "hubctl/hub_api.h"

namespace edgehub::hubctl {
namespace {

std::string export_path(std::string_view name) {
  return "/api/v1/exports/" + encode_path_segment(name);
}

}  // namespace

ApiResult HubApi::list_exports() { return call("GET", "/api/v1/exports", nullptr, timeout_); }

ApiResult HubApi::add_export(const nlohmann::json& definition) {
  return call("POST", "/api/v1/exports", &definition, timeout_);
}

ApiResult HubApi::get_export(std::string_view name) {
  return call("GET", export_path(name), nullptr, timeout_);
}

ApiResult HubApi::set_export_paused(std::string_view name, bool paused) {
  const nlohmann::json empty = nlohmann::json::object();
  return call("POST", export_path(name) + (paused ? "/pause" : "/resume"), &empty, timeout_);
}

ApiResult HubApi::remove_export(std::string_view name) {
  return call("DELETE", export_path(name), nullptr, timeout_);
}

}  // namespace edgehub::hubctl

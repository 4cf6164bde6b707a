// HubApi: the command and twin endpoints (docs/protocol.md sections 4 and 6).
#include <algorithm>

#include "hubctl/hub_api.h"

namespace edgehub::hubctl {

ApiResult HubApi::submit_command(std::string_view device_id, const nlohmann::json& body,
                                 std::chrono::milliseconds command_timeout) {
  return call("POST", "/api/v1/devices/" + encode_path_segment(device_id) + "/commands", &body,
              std::max(timeout_, command_timeout + kCommandTimeoutMargin));
}

ApiResult HubApi::list_commands(std::string_view query) {
  return call("GET", "/api/v1/commands" + (query.empty() ? "" : "?" + std::string(query)), nullptr,
              timeout_);
}

ApiResult HubApi::get_command(std::string_view command_id) {
  return call("GET", "/api/v1/commands/" + encode_path_segment(command_id), nullptr, timeout_);
}

ApiResult HubApi::cancel_command(std::string_view command_id) {
  const nlohmann::json body = nlohmann::json::object();
  return call("POST", "/api/v1/commands/" + encode_path_segment(command_id) + "/cancel", &body,
              timeout_);
}

ApiResult HubApi::create_job(const nlohmann::json& body) {
  return call("POST", "/api/v1/jobs", &body, timeout_);
}

ApiResult HubApi::get_job(std::string_view job_id) {
  return call("GET", "/api/v1/jobs/" + encode_path_segment(job_id), nullptr, timeout_);
}

ApiResult HubApi::get_twin(std::string_view device_id) {
  return call("GET", "/api/v1/devices/" + encode_path_segment(device_id) + "/twin", nullptr,
              timeout_);
}

ApiResult HubApi::patch_twin(std::string_view device_id, const nlohmann::json& body) {
  return call("PATCH", "/api/v1/devices/" + encode_path_segment(device_id) + "/twin", &body,
              timeout_);
}

}  // namespace edgehub::hubctl

// HubApi: device identity calls (docs/protocol.md section 1.3).
#include "hubctl/hub_api.h"

namespace edgehub::hubctl {
namespace {

std::string device_path(std::string_view id) {
  return "/api/v1/devices/" + encode_path_segment(id);
}

}  // namespace

ApiResult HubApi::enroll_device(const nlohmann::json& body) {
  return call("POST", "/api/v1/devices", &body, timeout_);
}

ApiResult HubApi::set_device_enabled(std::string_view id, bool enabled) {
  const nlohmann::json empty = nlohmann::json::object();
  return call("POST", device_path(id) + (enabled ? "/enable" : "/disable"), &empty, timeout_);
}

ApiResult HubApi::list_certificates(std::string_view id) {
  return call("GET", device_path(id) + "/certificates", nullptr, timeout_);
}

ApiResult HubApi::add_certificate(std::string_view id, const nlohmann::json& body) {
  return call("POST", device_path(id) + "/certificates", &body, timeout_);
}

ApiResult HubApi::end_certificate(std::string_view id, std::string_view certificate_sha256) {
  const nlohmann::json empty = nlohmann::json::object();
  return call("POST",
              device_path(id) + "/certificates/" + encode_path_segment(certificate_sha256) + "/end",
              &empty, timeout_);
}

ApiResult HubApi::list_authorities() { return call("GET", "/api/v1/cas", nullptr, timeout_); }

ApiResult HubApi::add_authority(std::string_view certificate_pem) {
  const nlohmann::json body{{"certificate_pem", certificate_pem}};
  return call("POST", "/api/v1/cas", &body, timeout_);
}

ApiResult HubApi::remove_authority(std::string_view certificate_sha256) {
  return call("DELETE", "/api/v1/cas/" + encode_path_segment(certificate_sha256), nullptr,
              timeout_);
}

}  // namespace edgehub::hubctl

// hubd's REST API (docs/protocol.md section 6) as calls: builds each request,
// sends it through the transport seam and turns the answer into an ApiResult.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "hubctl/api_result.h"
#include "hubctl/http_transport.h"

namespace edgehub::hubctl {

// Extra time the HTTP request of a command gets beyond the command's own
// timeout, so that hubd's 504 arrives before hubctl gives up.
inline constexpr std::chrono::milliseconds kCommandTimeoutMargin{5000};

class HubApi {
 public:
  // token: sent as "Authorization: Bearer <token>"; timeout: per HTTP request.
  HubApi(HttpTransport& transport, std::string token, std::chrono::milliseconds timeout);

  // GET /api/v1/devices?<query> ("limit=500&after=x&state=connected"; "": the first page).
  ApiResult list_devices(std::string_view query = "");
  ApiResult add_device(std::string_view id, const nlohmann::json& attributes);
  ApiResult remove_device(std::string_view id);
  ApiResult send_command(std::string_view id, std::string_view name, const nlohmann::json& payload,
                         std::chrono::milliseconds command_timeout);
  // Commands (hub_api_commands.cpp). body: {"name", "payload", "timeout_ms",
  // "id", "queue", "ttl_ms"}; query: "device=x&state=queued&limit=100".
  ApiResult submit_command(std::string_view device_id, const nlohmann::json& body,
                           std::chrono::milliseconds command_timeout);
  ApiResult list_commands(std::string_view query);
  ApiResult get_command(std::string_view command_id);
  ApiResult cancel_command(std::string_view command_id);
  // Fleet jobs: POST /api/v1/jobs, GET /api/v1/jobs/{id}.
  ApiResult create_job(const nlohmann::json& body);
  ApiResult get_job(std::string_view job_id);
  // Twins: GET / PATCH /api/v1/devices/{id}/twin (body {"desired", "version"}).
  ApiResult get_twin(std::string_view device_id);
  ApiResult patch_twin(std::string_view device_id, const nlohmann::json& body);
  // Device identities (hub_api_identities.cpp, docs/protocol.md 1.3).
  // body: {"id", "attributes", "csr_pem" | "certificate_pem"}.
  ApiResult enroll_device(const nlohmann::json& body);
  ApiResult set_device_enabled(std::string_view id, bool enabled);
  ApiResult list_certificates(std::string_view id);
  // body: {"csr_pem"} | {"certificate_pem"} | {} (the hub makes a key).
  ApiResult add_certificate(std::string_view id, const nlohmann::json& body);
  ApiResult end_certificate(std::string_view id, std::string_view certificate_sha256);
  ApiResult list_authorities();
  ApiResult add_authority(std::string_view certificate_pem);
  ApiResult remove_authority(std::string_view certificate_sha256);
  // Operators: GET / POST /api/v1/operators, DELETE /api/v1/operators/{name}.
  ApiResult list_operators();
  ApiResult add_operator(std::string_view name, std::string_view role);
  ApiResult revoke_operator(std::string_view name);
  // Exports (hub_api_exports.cpp): GET / POST /api/v1/exports,
  // GET / DELETE /api/v1/exports/{name}, POST .../{name}/pause|resume.
  ApiResult list_exports();
  ApiResult add_export(const nlohmann::json& definition);
  ApiResult get_export(std::string_view name);
  ApiResult set_export_paused(std::string_view name, bool paused);
  ApiResult remove_export(std::string_view name);
  ApiResult list_streams();
  ApiResult list_routes();
  ApiResult add_route(const nlohmann::json& route);
  ApiResult remove_route(std::string_view name);
  ApiResult test_route(const nlohmann::json& request);
  ApiResult read_stream(std::string_view stream, std::uint64_t from, std::uint32_t limit);
  // Streams and consumer groups (streams_commands.cpp). query: "from=0&limit=100&..."
  ApiResult stream_info(std::string_view stream);
  ApiResult create_stream(const nlohmann::json& request);
  ApiResult configure_stream(std::string_view stream, const nlohmann::json& changes);
  ApiResult read_records(std::string_view stream, std::string_view query,
                         std::chrono::milliseconds wait);
  // The same read as NDJSON (limit up to 1000000): each record to on_record,
  // oldest first; then {"next_offset": N} from the answer's last line. A
  // body that ends with an error line, or without the last line, is a
  // failure (after the records before it were given).
  ApiResult read_records_ndjson(std::string_view stream, std::string_view query,
                                const std::function<void(const nlohmann::json&)>& on_record);
  ApiResult commit_offset(std::string_view stream, std::string_view group, std::uint64_t offset);
  ApiResult consumer_groups(std::string_view stream);

 private:
  ApiResult call(std::string method, std::string path, const nlohmann::json* body,
                 std::chrono::milliseconds timeout);

  HttpTransport& transport_;
  std::string token_;
  std::chrono::milliseconds timeout_;
};

// Percent-encodes one path segment (anything but unreserved characters).
std::string encode_path_segment(std::string_view segment);

// The ApiResult for one HTTP answer: 2xx with a JSON body (or none for 204)
// is a success; anything else a failure with the error body's code/message.
ApiResult interpret_answer(const HttpResponse& response);

}  // namespace edgehub::hubctl

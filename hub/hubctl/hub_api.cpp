#include "hubctl/hub_api.h"

#include <algorithm>

#include "edgehub/protocol/json_limits.h"

namespace edgehub::hubctl {
namespace {

// The hub's answers wrap stored JSON in a few levels; anything deeper than
// the read-back limit is not from a hub we know and would overflow the
// stack of nlohmann's recursive dump and copy: treated as not JSON.
nlohmann::json parse_answer(std::string_view text) {
  if (!protocol::check_json_depth(text, protocol::kReadBackMaxJsonDepth)) {
    return nlohmann::json::value_t::discarded;
  }
  return nlohmann::json::parse(text, nullptr, false);
}

}  // namespace

std::string encode_path_segment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (char c : segment) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      encoded.push_back(c);
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[byte >> 4]);
      encoded.push_back(kHex[byte & 0x0f]);
    }
  }
  return encoded;
}

ApiResult interpret_answer(const HttpResponse& response) {
  const bool success = response.status >= 200 && response.status <= 299;
  if (success && (response.status == 204 || response.body.empty())) return nlohmann::json();
  nlohmann::json body = parse_answer(response.body);
  if (success) {
    if (body.is_discarded() || !body.is_object()) {
      return ApiFailure{ApiFailure::Kind::bad_answer, response.status, "",
                        "HTTP " + std::to_string(response.status) + " without a JSON object"};
    }
    return body;
  }
  ApiFailure failure{ApiFailure::Kind::http_error, response.status, "", ""};
  if (!body.is_discarded() && body.is_object() && body.contains("error") &&
      body["error"].is_object()) {
    const nlohmann::json& error = body["error"];
    if (error.contains("code") && error["code"].is_string()) failure.code = error["code"];
    if (error.contains("message") && error["message"].is_string()) {
      failure.message = error["message"];
    }
  }
  return failure;
}

HubApi::HubApi(HttpTransport& transport, std::string token, std::chrono::milliseconds timeout)
    : transport_(transport), token_(std::move(token)), timeout_(timeout) {}

ApiResult HubApi::call(std::string method, std::string path, const nlohmann::json* body,
                       std::chrono::milliseconds timeout) {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  if (body != nullptr) request.json_body = body->dump();
  request.headers.emplace_back("Authorization", "Bearer " + token_);
  request.headers.emplace_back("Accept", "application/json");
  request.timeout = timeout;
  TransportResult result = transport_.send(request);
  if (const auto* failure = std::get_if<TransportFailure>(&result)) {
    return ApiFailure{ApiFailure::Kind::unreachable, 0, "", failure->reason};
  }
  return interpret_answer(std::get<HttpResponse>(result));
}

ApiResult HubApi::list_devices(std::string_view query) {
  std::string path = "/api/v1/devices";
  if (!query.empty()) path += "?" + std::string(query);
  return call("GET", std::move(path), nullptr, timeout_);
}

ApiResult HubApi::add_device(std::string_view id, const nlohmann::json& attributes) {
  nlohmann::json body = {{"id", id}};
  if (!attributes.empty()) body["attributes"] = attributes;
  return call("POST", "/api/v1/devices", &body, timeout_);
}

ApiResult HubApi::remove_device(std::string_view id) {
  return call("DELETE", "/api/v1/devices/" + encode_path_segment(id), nullptr, timeout_);
}

ApiResult HubApi::send_command(std::string_view id, std::string_view name,
                               const nlohmann::json& payload,
                               std::chrono::milliseconds command_timeout) {
  const nlohmann::json body = {
      {"name", name}, {"payload", payload}, {"timeout_ms", command_timeout.count()}};
  return call("POST", "/api/v1/devices/" + encode_path_segment(id) + "/commands", &body,
              std::max(timeout_, command_timeout + kCommandTimeoutMargin));
}

ApiResult HubApi::list_operators() { return call("GET", "/api/v1/operators", nullptr, timeout_); }

ApiResult HubApi::add_operator(std::string_view name, std::string_view role) {
  const nlohmann::json body = {{"name", name}, {"role", role}};
  return call("POST", "/api/v1/operators", &body, timeout_);
}

ApiResult HubApi::revoke_operator(std::string_view name) {
  return call("DELETE", "/api/v1/operators/" + encode_path_segment(name), nullptr, timeout_);
}

ApiResult HubApi::list_routes() { return call("GET", "/api/v1/routes", nullptr, timeout_); }

ApiResult HubApi::add_route(const nlohmann::json& route) {
  return call("POST", "/api/v1/routes", &route, timeout_);
}

ApiResult HubApi::remove_route(std::string_view name) {
  return call("DELETE", "/api/v1/routes/" + encode_path_segment(name), nullptr, timeout_);
}

ApiResult HubApi::test_route(const nlohmann::json& request) {
  return call("POST", "/api/v1/routes/test", &request, timeout_);
}

ApiResult HubApi::list_streams() { return call("GET", "/api/v1/streams", nullptr, timeout_); }

ApiResult HubApi::stream_info(std::string_view stream) {
  return call("GET", "/api/v1/streams/" + encode_path_segment(stream), nullptr, timeout_);
}

ApiResult HubApi::create_stream(const nlohmann::json& request) {
  return call("POST", "/api/v1/streams", &request, timeout_);
}

ApiResult HubApi::configure_stream(std::string_view stream, const nlohmann::json& changes) {
  return call("PATCH", "/api/v1/streams/" + encode_path_segment(stream), &changes, timeout_);
}

ApiResult HubApi::read_records(std::string_view stream, std::string_view query,
                               std::chrono::milliseconds wait) {
  return call("GET",
              "/api/v1/streams/" + encode_path_segment(stream) + "/records?" + std::string(query),
              nullptr, timeout_ + wait);
}

ApiResult HubApi::read_records_ndjson(std::string_view stream, std::string_view query,
                                      const std::function<void(const nlohmann::json&)>& on_record) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/api/v1/streams/" + encode_path_segment(stream) + "/records?" +
                 std::string(query) + "&format=ndjson";
  request.headers.emplace_back("Authorization", "Bearer " + token_);
  request.headers.emplace_back("Accept", "application/x-ndjson");
  request.timeout = timeout_;
  TransportResult result = transport_.send(request);
  if (const auto* failure = std::get_if<TransportFailure>(&result)) {
    return ApiFailure{ApiFailure::Kind::unreachable, 0, "", failure->reason};
  }
  const HttpResponse& response = std::get<HttpResponse>(result);
  if (response.status < 200 || response.status > 299) return interpret_answer(response);
  const auto bad_answer = [&](std::string message) {
    return ApiFailure{ApiFailure::Kind::bad_answer, response.status, "", std::move(message)};
  };
  const std::string_view body = response.body;
  std::size_t start = 0;
  while (start < body.size()) {
    const std::size_t end = body.find('\n', start);
    if (end == std::string_view::npos) break;  // a last line cut short
    nlohmann::json line = parse_answer(body.substr(start, end - start));
    start = end + 1;
    if (line.is_discarded() || !line.is_object()) return bad_answer("a line that is not JSON");
    if (line.contains("offset")) {
      on_record(line);
    } else if (line.contains("next_offset")) {
      return line;
    } else if (line.contains("error")) {
      return interpret_answer(HttpResponse{500, line.dump()});
    } else {
      return bad_answer("a line that is neither a record nor next_offset");
    }
  }
  return bad_answer("the answer was cut short (no next_offset line)");
}

ApiResult HubApi::commit_offset(std::string_view stream, std::string_view group,
                                std::uint64_t offset) {
  const nlohmann::json body = {{"offset", offset}};
  return call("POST",
              "/api/v1/streams/" + encode_path_segment(stream) + "/groups/" +
                  encode_path_segment(group) + "/commit",
              &body, timeout_);
}

ApiResult HubApi::consumer_groups(std::string_view stream) {
  return call("GET", "/api/v1/streams/" + encode_path_segment(stream) + "/groups", nullptr,
              timeout_);
}

ApiResult HubApi::read_stream(std::string_view stream, std::uint64_t from, std::uint32_t limit) {
  return call("GET",
              "/api/v1/streams/" + encode_path_segment(stream) +
                  "/records?from=" + std::to_string(from) + "&limit=" + std::to_string(limit),
              nullptr, timeout_);
}

}  // namespace edgehub::hubctl

#include "api/http_admission.h"

#include <string_view>

#include "console/console_page.h"
#include "api/route_roles.h"

namespace edgehub::hub {
namespace {

Admission refuse(int status, std::string code, std::string message) {
  Admission admission;
  admission.status = status;
  admission.code = std::move(code);
  admission.message = std::move(message);
  return admission;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_identity(const std::string& encoding) {
  static constexpr std::string_view kIdentity = "identity";
  if (encoding.size() != kIdentity.size()) return false;
  for (std::size_t i = 0; i < encoding.size(); ++i) {
    if ((encoding[i] | 0x20) != kIdentity[i]) return false;
  }
  return true;
}

}  // namespace

bool is_open_request(std::string_view method, std::string_view path) {
  return (method == "GET" || method == "HEAD") &&
         (is_open_route(method, path) || is_console_path(path));
}

std::optional<std::string_view> bearer_token(std::string_view authorization_header) {
  static constexpr std::string_view kScheme = "Bearer ";
  if (authorization_header.size() <= kScheme.size() ||
      authorization_header.substr(0, kScheme.size()) != kScheme) {
    return std::nullopt;
  }
  return authorization_header.substr(kScheme.size());
}

bool bearer_token_matches(const std::string& authorization_header, const std::string& token) {
  static constexpr std::string_view kScheme = "Bearer ";
  if (token.empty() || authorization_header.size() != kScheme.size() + token.size() ||
      authorization_header.compare(0, kScheme.size(), kScheme) != 0) {
    return false;
  }
  unsigned char difference = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    difference |= static_cast<unsigned char>(authorization_header[kScheme.size() + i] ^ token[i]);
  }
  return difference == 0;
}

bool is_long_running_request(const RequestHead& head) {
  if (head.method != "GET") return false;
  if (ends_with(head.path, "/events")) return true;
  const auto query = head.target.find('?');
  return ends_with(head.path, "/records") && query != std::string::npos &&
         head.target.find("wait_ms=", query) != std::string::npos;
}

Admission decide_admission(const RequestHead& head, const AdmissionPolicy& policy) {
  if (!head.request_line_valid) {
    return refuse(400, "invalid_argument", "malformed request line");
  }
  const auto token = head.authorization ? bearer_token(*head.authorization) : std::nullopt;
  const bool authenticated = token && policy.accepts_token && policy.accepts_token(*token);
  // Only body-less GET/HEAD of the open routes (the health check, the API
  // description) and the console's files are open: an anonymous client can
  // never make the server read a body.
  const bool open = is_open_request(head.method, head.path) && !head.has_transfer_encoding &&
                    (!head.has_content_length || head.content_length == 0);
  if (!authenticated && !open) {
    return refuse(
        401, "unauthorized",
        "missing, unknown or revoked bearer token (Authorization: Bearer <operator token>)");
  }
  if (head.has_transfer_encoding) {
    return refuse(411, "invalid_argument",
                  "chunked request bodies are not accepted: send Content-Length");
  }
  if (!head.content_length_valid) {
    return refuse(400, "invalid_argument", "Content-Length must be one decimal number");
  }
  if (head.content_length > policy.max_body_bytes) {
    return refuse(413, "too_large",
                  "request body is too large (" + std::to_string(head.content_length) +
                      " bytes, at most " + std::to_string(policy.max_body_bytes) + ")");
  }
  if (head.content_encoding && !is_identity(*head.content_encoding)) {
    // httplib would inflate gzip/brotli bodies without any size limit.
    return refuse(415, "invalid_argument", "compressed request bodies are not accepted");
  }
  Admission admission;
  admission.admitted = true;
  admission.authenticated = authenticated;
  admission.long_running = is_long_running_request(head);
  return admission;
}

}  // namespace edgehub::hub

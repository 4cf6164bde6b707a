// Decides, from a request's head alone and before any of its body is read,
// whether the request may run: the open routes of route_roles.h (the health
// check, the API description) and the web console's static files need no
// token, everything else needs an operator's bearer token (which role a route
// needs is decided later, by the route: route_roles.h); bodies must declare
// their length and fit the limit. Pure; the lobby (connection_lobby.cpp) acts
// on the decision.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_request_head.h"

namespace edgehub::hub {

inline constexpr const char* kHealthPath = "/api/v1/health";
inline constexpr const char* kOpenApiPath = "/api/v1/openapi.json";

struct AdmissionPolicy {
  // Whether a bearer token belongs to an active operator.
  std::function<bool(std::string_view token)> accepts_token;
  std::size_t max_body_bytes = 1024 * 1024;
};

struct Admission {
  bool admitted = false;
  // Admitted: the token matched (the connection counts as authenticated from
  // now on), and whether the request may hold its worker for long (an event
  // stream or a long poll).
  bool authenticated = false;
  bool long_running = false;
  // Refused: the HTTP status, the error code of the JSON error shape and its
  // message.
  int status = 0;
  std::string code;
  std::string message;
};

Admission decide_admission(const RequestHead& head, const AdmissionPolicy& policy);

// The requests anyone may make without a token: GET (or HEAD) of the health
// check and of the web console's files (console/console_page.h). Only
// methods without a body: an anonymous client can never make the server
// read one.
bool is_open_request(std::string_view method, std::string_view path);

// The token of an Authorization header "Bearer <token>"; nullopt otherwise.
std::optional<std::string_view> bearer_token(std::string_view authorization_header);

// The Authorization header value carries exactly this token (constant time).
bool bearer_token_matches(const std::string& authorization_header, const std::string& token);

// Requests that wait for data on purpose: event streams and long polls
// (records?wait_ms=). They may not take every worker (see RequestWorkers).
bool is_long_running_request(const RequestHead& head);

}  // namespace edgehub::hub

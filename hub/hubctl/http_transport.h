// The one seam between hubctl and the network: a request to hubd's REST API
// and what came back. httplib_transport.h is the real one; tests use a fake.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace edgehub::hubctl {

struct HttpRequest {
  std::string method;  // "GET", "POST", "DELETE"
  std::string path;    // with query string, e.g. "/api/v1/streams/telemetry/records?from=0"
  std::optional<std::string> json_body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{10000};  // for connecting, and again for the answer
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

// No HTTP answer at all: connection refused, timeout, broken connection.
struct TransportFailure {
  std::string reason;
};

using TransportResult = std::variant<HttpResponse, TransportFailure>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual TransportResult send(const HttpRequest& request) = 0;
};

}  // namespace edgehub::hubctl

// Serves RestHandlers over HTTP (cpp-httplib) on a loopback address, with the
// bearer-token check. No httplib type in this header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "api/rest_handlers.h"
#include "edgehub/common/result.h"

namespace edgehub::hub {

struct RestServerSettings {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see RestServer::port())
  std::string api_token;      // every request but GET /api/v1/health must carry it
  // Each waiting command holds a worker for up to its timeout.
  std::size_t worker_threads = 64;
  std::size_t max_body_bytes = 1024 * 1024;
};

class RestServer {
 public:
  // handlers must outlive the server.
  RestServer(RestHandlers& handlers, RestServerSettings settings);
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;
  ~RestServer();  // stop()

  // Binds and serves on a background thread. conflict if the address cannot
  // be bound (in use, or not a local address).
  Status start();
  // Stops accepting and waits for the serving thread. Idempotent.
  void stop();
  // The bound port (the chosen one when settings.port was 0).
  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The Authorization header value carries exactly this token (constant time).
bool bearer_token_matches(const std::string& authorization_header, const std::string& token);

}  // namespace edgehub::hub

// Serves RestHandlers over HTTP (cpp-httplib), with the operator's bearer
// token checked before anything else is read, the role each route needs
// (route_roles.h) checked before its handler runs, every write handed to the
// audit, and limits that no client can exhaust (guarded_http_server.h). No
// httplib type in this header.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_admission.h"  // bearer_token_matches
#include "api/rest_handlers.h"
#include "api/route_roles.h"
#include "edgehub/common/result.h"
#include "operators/audit_record.h"
#include "operators/operator_store.h"

namespace edgehub::hub {

struct RestServerSettings {
  std::string bind_address = "127.0.0.1";
  // HTTPS with this certificate (chain) and key, PEM files; both empty:
  // plain HTTP (hubd allows that on loopback only).
  std::filesystem::path tls_certificate_file;
  std::filesystem::path tls_key_file;
  std::uint16_t port = 8080;  // 0: any free port (see RestServer::port())
  // Who holds a bearer token (hubd: OperatorStore::authenticate). Unset:
  // api_token is the one token, held by an "admin" operator.
  std::function<std::optional<OperatorIdentity>(std::string_view token)> authenticate;
  std::string api_token;
  // Called for every POST/PUT/PATCH/DELETE a route answered (also 403s and
  // failures), after the handler; may be unset.
  std::function<void(const AuditEntry&)> audit;
  // Each waiting command holds a worker for up to its timeout.
  std::size_t worker_threads = 64;
  std::size_t max_body_bytes = 1024 * 1024;  // Content-Length over it: 413, body unread
  // Request line and headers together; longer: 431.
  std::size_t max_head_bytes = 16 * 1024;
  // A new connection must deliver its request head within head_timeout (a
  // keep-alive one from the first byte of its next request): else 408 (or
  // closed when it sent nothing).
  std::chrono::milliseconds head_timeout{10000};
  // An idle keep-alive connection is closed after this.
  std::chrono::milliseconds keep_alive_idle_timeout{5000};
  // The declared body must arrive within this (from the start of the request).
  std::chrono::milliseconds body_timeout{30000};
  // A client that does not take its answer (or an event) for this long is cut.
  std::chrono::milliseconds write_timeout{5000};
  // Open connections in total; new ones beyond are answered 503.
  std::size_t max_connections = 512;
  // Connections without a valid token yet and no request running; beyond,
  // the oldest such connection is closed for the newcomer.
  std::size_t max_unauthenticated_connections = 64;
  // Requests served on one keep-alive connection before it is closed (nginx
  // and Apache use 1000 and 100).
  std::size_t keep_alive_requests = 100;
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
  // HTTPS: reads the certificate and key files again (after a renewal);
  // new connections get them. internal (the old ones kept) if they cannot
  // be loaded. Plain HTTP: nothing to do.
  Status reload_certificate();
  bool serves_https() const;
  // The bound port (the chosen one when settings.port was 0).
  std::uint16_t port() const;
  // Every route the server has, with the role it needs (route_roles.h).
  std::vector<RouteRole> routes() const;
  // Times the named limit was hit (the names of docs/security.md), for tests.
  std::size_t limit_hits(const std::string& limit) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgehub::hub

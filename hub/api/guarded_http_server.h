// httplib::Server with a front that a client cannot exhaust: httplib's
// listen loop only accepts and hands each connection to the lobby
// (connection_lobby.h); admitted requests run on RequestWorkers through
// httplib's own request processing, reading through a BudgetedSocketStream;
// afterwards a keep-alive connection goes back to the lobby. Routing,
// handlers, error and exception handlers are httplib's as usual.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include "api/connection_lobby.h"
#include "api/http_refusal_log.h"
#include "api/request_workers.h"

namespace edgehub::hub {

struct GuardSettings {
  // HTTPS when set (the lobby runs the handshakes); plain HTTP when null.
  std::shared_ptr<TlsServerContext> tls;
  LobbySettings lobby;
  AdmissionPolicy admission;
  std::size_t worker_threads = 64;
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds write_timeout{5000};
};

class GuardedHttpServer final : public httplib::Server {
 public:
  explicit GuardedHttpServer(GuardSettings settings);
  ~GuardedHttpServer() override;

  // Before listen_after_bind(): starts the lobby thread and the workers.
  bool start_front();
  // After httplib's stop() and the end of its listen loop: closes every
  // connection, lets running requests fail fast, joins all threads.
  void stop_front();

  const HttpRefusalLog& refusals() const { return refusals_; }

 private:
  bool process_and_close_socket(socket_t socket) override;
  void serve(AdmittedRequest request);
  // Serves one request; whether the connection may carry another.
  bool serve_one(AdmittedRequest& request);
  std::optional<AdmittedRequest> next_request_soon(int socket);

  GuardSettings settings_;
  HttpRefusalLog refusals_;
  std::unique_ptr<RequestWorkers> workers_;
  std::unique_ptr<ConnectionLobby> lobby_;
  std::atomic<bool> stopping_{false};
};

}  // namespace edgehub::hub

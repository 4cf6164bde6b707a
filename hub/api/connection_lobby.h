// Where HTTP connections wait while no request of theirs is running: one
// epoll thread looks (without consuming) at what each client sent until a
// whole request head is there, within the head deadline and size limit, lets
// http_admission.cpp decide on it, and hands an admitted request to the
// workers. Idle keep-alive connections wait here too, so that a slow or
// silent client never holds a worker thread. Caps the connections in total
// and the unauthenticated ones waiting (the oldest of those gives way to a
// newcomer, so a flood of slow clients cannot keep an operator out). For
// HTTPS the lobby also runs each connection's TLS handshake (non-blocking,
// within the same head deadline: a client that never finishes it is closed
// like one that never sends its head) and reads the decrypted head; a
// connection counts as unauthenticated until a request with a token came.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/http_admission.h"
#include "api/http_refusal_log.h"
#include "api/tls_server_context.h"

namespace edgehub::hub {

struct LobbySettings {
  std::size_t max_head_bytes = 16 * 1024;
  // From a new connection's accept, or from the first byte of a keep-alive
  // connection's next request, to the end of its head.
  std::chrono::milliseconds head_timeout{10000};
  // How long a keep-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout{5000};
  std::size_t max_connections = 512;
  std::size_t max_unauthenticated = 64;
  std::size_t keep_alive_requests = 100;
};

struct AdmittedRequest {
  int socket = -1;
  // HTTPS: the connection's session (the lobby owns it); null for plain HTTP.
  TlsSession* tls = nullptr;
  // Taken from the connection already: the head, and for HTTPS the part of
  // the body that came with it (body_bytes is what is left to read).
  std::string head;
  std::uint64_t body_bytes = 0;
  bool long_running = false;
  bool last_on_connection = false;        // keep-alive request count reached
  bool authenticated_connection = false;  // a request with the token came on it
};

class ConnectionLobby {
 public:
  using Dispatch = std::function<void(AdmittedRequest)>;

  // tls: null for plain HTTP.
  ConnectionLobby(LobbySettings settings, AdmissionPolicy policy, HttpRefusalLog& log,
                  Dispatch dispatch, std::shared_ptr<TlsServerContext> tls = nullptr);
  ConnectionLobby(const ConnectionLobby&) = delete;
  ConnectionLobby& operator=(const ConnectionLobby&) = delete;
  ~ConnectionLobby();  // stop(), closes what is left

  // Starts the epoll thread; false (errno set) if epoll cannot be set up.
  bool start();
  // A connection just accepted (the lobby owns the socket from now on).
  void adopt(int socket);
  // The admitted request on `socket` has been answered: wait for the next
  // one (keep_open) or close.
  void give_back(int socket, bool keep_open);
  // The worker that answered the previous request found the next one on the
  // connection complete and admitted, and serves it at once: counts it;
  // true when it is the last one the connection may carry.
  bool count_request_served_directly(int socket);
  // Closes waiting connections and shuts down those with a running request
  // (their workers then fail fast and give them back, which closes them).
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  enum class State { waiting, busy, closing };
  struct Connection {
    State state = State::waiting;
    Clock::time_point deadline;
    std::uint64_t waiting_since = 0;  // order of entering the lobby (oldest first)
    bool authenticated = false;
    bool received = false;  // bytes of the next head have arrived
    std::size_t requests = 0;
    std::size_t drained = 0;
    std::unique_ptr<TlsSession> tls;  // HTTPS
    std::string tls_input;            // decrypted bytes of the next head, read already
  };

  void run();
  void on_readable(int socket, Connection& connection, std::vector<AdmittedRequest>& admitted);
  void look_at_head(int socket, Connection& connection, std::vector<AdmittedRequest>& admitted);
  // HTTPS: advances the handshake, then reads what is decrypted into
  // tls_input (up to one byte over the head limit). false if the connection
  // was closed (it is gone then).
  bool read_tls_input(int socket, Connection& connection);
  void refuse(int socket, Connection& connection, int status, const std::string& code,
              const std::string& message);
  void drain(int socket, Connection& connection);
  void expire(Clock::time_point now);
  bool make_room_for_unauthenticated();
  void watch(int socket);
  void close_connection(int socket);

  LobbySettings settings_;
  AdmissionPolicy policy_;
  HttpRefusalLog& log_;
  Dispatch dispatch_;
  std::shared_ptr<TlsServerContext> tls_;
  int epoll_ = -1;
  int wake_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;  // guards connections_ and next_order_
  std::unordered_map<int, Connection> connections_;
  std::uint64_t next_order_ = 0;
  std::vector<char> scratch_;  // the lobby thread's peek buffer
};

}  // namespace edgehub::hub

#include "api/guarded_http_server.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>
#include <vector>

#include "api/budgeted_socket_stream.h"

namespace edgehub::hub {
namespace {

// httplib's listen loop hands every accepted socket to its task queue; this
// one runs the hand-over (process_and_close_socket) at once on the listen
// thread, which only gives the socket to the lobby.
class InlineTaskQueue final : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> job) override { job(); }
  void shutdown() override {}
};

// How long the worker that answered a keep-alive request waits for the
// next one before it hands the connection back to the lobby.
constexpr int kNextRequestWaitMs = 2;

}  // namespace

GuardedHttpServer::GuardedHttpServer(GuardSettings settings) : settings_(std::move(settings)) {
  new_task_queue = [] { return new InlineTaskQueue; };
  // Only the Keep-Alive answer header uses these now: the lobby enforces them.
  set_keep_alive_max_count(settings_.lobby.keep_alive_requests);
  set_keep_alive_timeout(std::max<time_t>(
      1,
      static_cast<time_t>(
          std::chrono::duration_cast<std::chrono::seconds>(settings_.lobby.idle_timeout).count())));
  set_payload_max_length(settings_.admission.max_body_bytes);
}

GuardedHttpServer::~GuardedHttpServer() { stop_front(); }

bool GuardedHttpServer::start_front() {
  // httplib listens with a backlog of 5: a burst of connections (an attack,
  // or many operators at once) would have SYNs dropped and retried a second
  // later. The lobby takes connections as fast as they come.
  if (svr_sock_ != INVALID_SOCKET) ::listen(svr_sock_, 511);
  // Event streams and long polls may take three quarters of the workers.
  const std::size_t threads = std::max<std::size_t>(settings_.worker_threads, 1);
  workers_ =
      std::make_unique<RequestWorkers>(threads, threads - std::max<std::size_t>(threads / 4, 1));
  lobby_ = std::make_unique<ConnectionLobby>(
      settings_.lobby, settings_.admission, refusals_,
      [this](AdmittedRequest request) {
        const bool long_running = request.long_running;
        auto shared = std::make_shared<AdmittedRequest>(std::move(request));
        workers_->submit(long_running, [this, shared] { serve(std::move(*shared)); });
      },
      settings_.tls);
  return lobby_->start();
}

void GuardedHttpServer::stop_front() {
  stopping_ = true;
  if (lobby_) lobby_->stop();
  if (workers_) workers_->stop();
  lobby_.reset();
  workers_.reset();
}

bool GuardedHttpServer::process_and_close_socket(socket_t socket) {
  if (!lobby_ || stopping_) {
    ::close(socket);
    return false;
  }
  lobby_->adopt(socket);
  return true;
}

void GuardedHttpServer::serve(AdmittedRequest request) {
  const int socket = request.socket;
  for (;;) {
    const bool keep_open = serve_one(request);
    // An operator sending one request after another (a script, the command
    // round trip) sends the next one right after reading the answer: taking
    // it here saves the hops through the lobby thread. Anything else (a slow
    // or unauthenticated client, a refusal, an event stream) goes through
    // the lobby as usual.
    std::optional<AdmittedRequest> next;
    // Not for HTTPS: its bytes cannot be peeked at on the socket.
    if (keep_open && request.authenticated_connection && request.tls == nullptr && !stopping_) {
      next = next_request_soon(socket);
    }
    if (!next) return lobby_->give_back(socket, keep_open);
    request = std::move(*next);
  }
}

bool GuardedHttpServer::serve_one(AdmittedRequest& request) {
  BudgetedSocketStream stream(request.socket, std::move(request.head), request.body_bytes,
                              std::chrono::steady_clock::now() + settings_.body_timeout,
                              settings_.write_timeout, request.tls);
  const bool close_after = request.last_on_connection || stopping_;
  bool connection_closed = false;
  bool answered = false;
  try {
    answered = process_request(stream, close_after, connection_closed, nullptr);
  } catch (const std::exception& error) {
    spdlog::error("http: request failed outside its handler: {}", error.what());
  }
  if (stream.body_timed_out()) {
    refusals_.note("body_timeout", "request body not received within " +
                                       std::to_string(settings_.body_timeout.count()) + " ms");
  }
  return answered && !connection_closed && !close_after && stream.unread_body_bytes() == 0;
}

std::optional<AdmittedRequest> GuardedHttpServer::next_request_soon(int socket) {
  pollfd descriptor{socket, POLLIN, 0};
  if (::poll(&descriptor, 1, kNextRequestWaitMs) <= 0) return std::nullopt;
  thread_local std::vector<char> buffer;
  buffer.resize(settings_.lobby.max_head_bytes + 1);
  const ssize_t peeked = ::recv(socket, buffer.data(), buffer.size(), MSG_PEEK | MSG_DONTWAIT);
  if (peeked <= 0) return std::nullopt;
  const std::string_view received(buffer.data(), static_cast<std::size_t>(peeked));
  const HeadScan scan = scan_request_head(received, settings_.lobby.max_head_bytes);
  if (scan.progress != HeadProgress::complete) return std::nullopt;
  const RequestHead head = parse_request_head(received.substr(0, scan.length));
  const Admission admission = decide_admission(head, settings_.admission);
  if (!admission.admitted || admission.long_running) return std::nullopt;
  AdmittedRequest request;
  request.socket = socket;
  request.head.resize(scan.length);
  std::size_t taken = 0;
  while (taken < scan.length) {
    const ssize_t n =
        ::recv(socket, request.head.data() + taken, scan.length - taken, MSG_DONTWAIT);
    if (n > 0) {
      taken += static_cast<std::size_t>(n);
    } else if (!(n < 0 && errno == EINTR)) {
      ::shutdown(socket, SHUT_RDWR);  // cannot happen (the bytes were just peeked): drop it
      return std::nullopt;
    }
  }
  request.body_bytes = head.content_length;
  request.authenticated_connection = true;
  request.last_on_connection = lobby_->count_request_served_directly(socket);
  return request;
}

}  // namespace edgehub::hub

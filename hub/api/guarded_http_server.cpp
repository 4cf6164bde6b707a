#include "api/guarded_http_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

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
      settings_.lobby, settings_.admission, refusals_, [this](AdmittedRequest request) {
        const bool long_running = request.long_running;
        auto shared = std::make_shared<AdmittedRequest>(std::move(request));
        workers_->submit(long_running, [this, shared] { serve(std::move(*shared)); });
      });
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
  BudgetedSocketStream stream(request.socket, std::move(request.head), request.body_bytes,
                              std::chrono::steady_clock::now() + settings_.body_timeout,
                              settings_.write_timeout);
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
  lobby_->give_back(request.socket, answered && !connection_closed && !close_after &&
                                        stream.unread_body_bytes() == 0);
}

}  // namespace edgehub::hub

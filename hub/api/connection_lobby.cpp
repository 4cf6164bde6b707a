#include "api/connection_lobby.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

namespace edgehub::hub {
namespace {

// How often deadlines are checked: they are seconds long, so a quarter of a
// second late at most is fine, and no timer structure is needed.
constexpr int kTickMs = 250;
// After a refusal the client gets this long (and this many bytes, read and
// thrown away) to take its answer before the socket is closed: closing with
// unread input would reset the connection and lose the answer.
constexpr std::chrono::milliseconds kLinger{1000};
constexpr std::size_t kMaxDrainBytes = 1024 * 1024;

const char* reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    default:
      return "Service Unavailable";
  }
}

// The API's error shape (api_response.h) as a whole HTTP answer that closes
// the connection.
std::string error_reply(int status, const std::string& code, const std::string& message) {
  const nlohmann::ordered_json body = {{"error", {{"code", code}, {"message", message}}}};
  const std::string text =
      body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return "HTTP/1.1 " + std::to_string(status) + " " + reason(status) +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(text.size()) +
         "\r\nConnection: close\r\n\r\n" + text;
}

// HTTPS: as much of the answer as the session takes now (see send_all_now).
void send_all_now(TlsSession& tls, const std::string& text) {
  std::size_t sent = 0;
  while (sent < text.size()) {
    const TlsTransfer written = tls.write(text.data() + sent, text.size() - sent);
    if (written.bytes == 0) return;
    sent += written.bytes;
  }
}

void send_all_now(int socket, const std::string& text) {
  // A fresh connection's send buffer takes a small answer whole; what does
  // not fit now is dropped rather than waited for.
  std::size_t sent = 0;
  while (sent < text.size()) {
    const ssize_t n =
        ::send(socket, text.data() + sent, text.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return;
    }
  }
}

}  // namespace

ConnectionLobby::ConnectionLobby(LobbySettings settings, AdmissionPolicy policy,
                                 HttpRefusalLog& log, Dispatch dispatch,
                                 std::shared_ptr<TlsServerContext> tls)
    : settings_(settings),
      policy_(std::move(policy)),
      log_(log),
      dispatch_(std::move(dispatch)),
      tls_(std::move(tls)),
      scratch_(std::max<std::size_t>(settings.max_head_bytes + 1, 4096)) {}

ConnectionLobby::~ConnectionLobby() {
  stop();
  std::lock_guard lock(mutex_);
  for (const auto& [socket, connection] : connections_) ::close(socket);
  connections_.clear();
  if (epoll_ >= 0) ::close(epoll_);
  if (wake_ >= 0) ::close(wake_);
}

bool ConnectionLobby::start() {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_ < 0 || wake_ < 0) return false;
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = wake_;
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event) != 0) return false;
  thread_ = std::thread([this] { run(); });
  return true;
}

void ConnectionLobby::stop() {
  if (stopping_.exchange(true)) return;
  if (wake_ >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (it->second.state == State::busy) {
      ::shutdown(it->first, SHUT_RDWR);
      ++it;
    } else {
      ::close(it->first);
      it = connections_.erase(it);
    }
  }
}

void ConnectionLobby::watch(int socket) {
  // Edge-triggered: the lobby only peeks, so the data stays readable; it is
  // told again when more arrives. Adding a socket that holds data already
  // reports it at once.
  epoll_event event{};
  event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  event.data.fd = socket;
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, socket, &event);
}

void ConnectionLobby::close_connection(int socket) {
  // close() also takes the socket out of the epoll set.
  ::close(socket);
  connections_.erase(socket);
}

void ConnectionLobby::adopt(int socket) {
  ::fcntl(socket, F_SETFD, FD_CLOEXEC);
  // Small JSON answers: without it Nagle and the client's delayed ACK add up
  // to 40 ms to a command's round trip (tests/perf/command_rtt.sh).
  const int yes = 1;
  ::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  std::lock_guard lock(mutex_);
  if (stopping_) {
    ::close(socket);
    return;
  }
  if (!make_room_for_unauthenticated()) {
    log_.note("max_connections",
              "refused a new connection: " + std::to_string(settings_.max_connections) +
                  " connections are open");
    send_all_now(socket, error_reply(503, "unavailable", "too many connections"));
    ::close(socket);
    return;
  }
  Connection connection;
  // The head deadline includes a TLS handshake.
  connection.deadline = Clock::now() + settings_.head_timeout;
  connection.waiting_since = ++next_order_;
  if (tls_) {
    ::fcntl(socket, F_SETFL, ::fcntl(socket, F_GETFL) | O_NONBLOCK);
    connection.tls = tls_->open_session(socket);
    if (!connection.tls) {
      log_.note("tls_session", "no TLS session for a new connection (OpenSSL)");
      ::close(socket);
      return;
    }
  }
  connections_.emplace(socket, std::move(connection));
  watch(socket);
}

bool ConnectionLobby::make_room_for_unauthenticated() {
  std::size_t unauthenticated = 0;
  auto oldest = connections_.end();
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (it->second.authenticated || it->second.state == State::busy) continue;
    ++unauthenticated;
    if (oldest == connections_.end() || it->second.waiting_since < oldest->second.waiting_since) {
      oldest = it;
    }
  }
  const bool over_unauthenticated = unauthenticated >= settings_.max_unauthenticated;
  const bool over_total = connections_.size() >= settings_.max_connections;
  if (!over_unauthenticated && !over_total) return true;
  if (oldest == connections_.end()) return false;  // all taken by operators
  log_.note(over_total ? "max_connections" : "max_unauthenticated_connections",
            "closed the oldest connection waiting without a token to make room (" +
                std::to_string(unauthenticated) + " waiting without a token, " +
                std::to_string(connections_.size()) + " open)");
  close_connection(oldest->first);
  return true;
}

void ConnectionLobby::give_back(int socket, bool keep_open) {
  std::lock_guard lock(mutex_);
  const auto found = connections_.find(socket);
  if (found == connections_.end()) return;
  if (!keep_open || stopping_) {
    close_connection(socket);
    return;
  }
  Connection& connection = found->second;
  if (connection.tls && (connection.tls->has_buffered_input() || !connection.tls_input.empty())) {
    // A client that sent its next request before taking this answer
    // (pipelining; no common client does): the lobby only waits on the
    // socket, which may not show those bytes again, so the connection ends.
    close_connection(socket);
    return;
  }
  connection.state = State::waiting;
  connection.received = false;
  connection.deadline = Clock::now() + settings_.idle_timeout;
  connection.waiting_since = ++next_order_;
  watch(socket);
}

bool ConnectionLobby::count_request_served_directly(int socket) {
  std::lock_guard lock(mutex_);
  const auto found = connections_.find(socket);
  if (found == connections_.end()) return true;
  return ++found->second.requests >= settings_.keep_alive_requests;
}

void ConnectionLobby::run() {
  std::vector<epoll_event> events(64);
  std::vector<AdmittedRequest> admitted;
  auto next_expiry = Clock::now();
  while (!stopping_) {
    const int count = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), kTickMs);
    if (count < 0 && errno != EINTR) break;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
      for (int i = 0; i < count; ++i) {
        const int socket = events[static_cast<std::size_t>(i)].data.fd;
        if (socket == wake_) continue;
        const auto found = connections_.find(socket);
        if (found != connections_.end()) on_readable(socket, found->second, admitted);
      }
      const auto now = Clock::now();
      if (now >= next_expiry) {
        expire(now);
        next_expiry = now + std::chrono::milliseconds(kTickMs);
      }
    }
    for (auto& request : admitted) dispatch_(std::move(request));
    admitted.clear();
  }
}

void ConnectionLobby::on_readable(int socket, Connection& connection,
                                  std::vector<AdmittedRequest>& admitted) {
  switch (connection.state) {
    case State::busy:
      return;  // a worker reads it; not watched, a late event only
    case State::closing:
      return drain(socket, connection);
    case State::waiting:
      return look_at_head(socket, connection, admitted);
  }
}

bool ConnectionLobby::read_tls_input(int socket, Connection& connection) {
  TlsSession& tls = *connection.tls;
  if (!tls.handshake_done()) {
    const TlsIo progress = tls.handshake();
    if (progress == TlsIo::closed || progress == TlsIo::failed) {
      log_.note("tls_handshake",
                "a TLS handshake failed (not HTTPS, or the client refused the "
                "certificate)");
      close_connection(socket);
      return false;
    }
    if (progress != TlsIo::done) return true;  // more of the handshake later
  }
  // Edge-triggered: read until OpenSSL wants more from the socket.
  while (connection.tls_input.size() <= settings_.max_head_bytes) {
    const TlsTransfer received = tls.read(scratch_.data(), scratch_.size());
    if (received.bytes > 0) {
      connection.tls_input.append(scratch_.data(), received.bytes);
      continue;
    }
    if (received.state == TlsIo::want_read || received.state == TlsIo::want_write) break;
    close_connection(socket);  // the client left
    return false;
  }
  return true;
}

void ConnectionLobby::look_at_head(int socket, Connection& connection,
                                   std::vector<AdmittedRequest>& admitted) {
  std::string_view received;
  if (connection.tls) {
    if (!read_tls_input(socket, connection)) return;
    if (connection.tls_input.empty()) return;
    received = connection.tls_input;
  } else {
    const ssize_t peeked =
        ::recv(socket, scratch_.data(), settings_.max_head_bytes + 1, MSG_PEEK | MSG_DONTWAIT);
    if (peeked == 0 || (peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      return close_connection(socket);  // the client left
    }
    if (peeked < 0) return;
    received = std::string_view(scratch_.data(), static_cast<std::size_t>(peeked));
  }
  if (!connection.received) {
    connection.received = true;
    // A keep-alive connection's head deadline runs from its first byte.
    if (connection.requests > 0) connection.deadline = Clock::now() + settings_.head_timeout;
  }
  const HeadScan scan = scan_request_head(received, settings_.max_head_bytes);
  if (scan.progress == HeadProgress::incomplete) return;
  if (scan.progress == HeadProgress::too_large) {
    log_.note("max_head_bytes",
              "request head longer than " + std::to_string(settings_.max_head_bytes) + " bytes");
    return refuse(socket, connection, 431, "too_large",
                  "request line and headers are longer than " +
                      std::to_string(settings_.max_head_bytes) + " bytes");
  }
  std::string head;
  if (connection.tls) {
    head = std::move(connection.tls_input);  // the head and what came after it
    connection.tls_input.clear();
  } else {
    // Take the head off the socket (it is there: it was just peeked).
    head.assign(received.substr(0, scan.length));
    std::size_t taken = 0;
    while (taken < head.size()) {
      const ssize_t n = ::recv(socket, head.data() + taken, head.size() - taken, MSG_DONTWAIT);
      if (n <= 0 && !(n < 0 && errno == EINTR)) return close_connection(socket);
      if (n > 0) taken += static_cast<std::size_t>(n);
    }
  }
  const RequestHead parsed = parse_request_head(std::string_view(head).substr(0, scan.length));
  const Admission admission = decide_admission(parsed, policy_);
  if (!admission.admitted) {
    if (admission.status == 401) {
      log_.note("unauthorized", parsed.method + " " + parsed.path + " without a valid token");
    } else {
      log_.note("refused_" + std::to_string(admission.status), admission.message);
    }
    return refuse(socket, connection, admission.status, admission.code, admission.message);
  }
  connection.authenticated = connection.authenticated || admission.authenticated;
  connection.state = State::busy;
  ++connection.requests;
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, socket, nullptr);
  AdmittedRequest request;
  request.socket = socket;
  request.tls = connection.tls.get();
  request.last_on_connection = connection.requests >= settings_.keep_alive_requests;
  // HTTPS: body bytes that came with the head are served from `head`.
  std::uint64_t body_read = head.size() - scan.length;
  if (body_read > parsed.content_length) {
    // The next request came too (pipelining): not served; see give_back.
    head.resize(scan.length + parsed.content_length);
    body_read = parsed.content_length;
    request.last_on_connection = true;
  }
  request.head = std::move(head);
  request.body_bytes = parsed.content_length - body_read;
  request.long_running = admission.long_running;
  request.authenticated_connection = connection.authenticated;
  admitted.push_back(std::move(request));
}

void ConnectionLobby::refuse(int socket, Connection& connection, int status,
                             const std::string& code, const std::string& message) {
  if (connection.tls) {
    send_all_now(*connection.tls, error_reply(status, code, message));
    connection.tls->close_notify();
  } else {
    send_all_now(socket, error_reply(status, code, message));
  }
  ::shutdown(socket, SHUT_WR);
  connection.state = State::closing;
  connection.deadline = Clock::now() + kLinger;
  connection.drained = 0;
  drain(socket, connection);
}

void ConnectionLobby::drain(int socket, Connection& connection) {
  for (;;) {
    const ssize_t n = ::recv(socket, scratch_.data(), scratch_.size(), MSG_DONTWAIT);
    if (n > 0) {
      connection.drained += static_cast<std::size_t>(n);
      if (connection.drained > kMaxDrainBytes) return close_connection(socket);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    return close_connection(socket);  // the client closed its side: done
  }
}

void ConnectionLobby::expire(Clock::time_point now) {
  std::vector<int> expired;
  for (const auto& [socket, connection] : connections_) {
    if (connection.state != State::busy && now >= connection.deadline) expired.push_back(socket);
  }
  for (const int socket : expired) {
    Connection& connection = connections_.at(socket);
    if (connection.state == State::waiting && connection.received) {
      log_.note("head_timeout", "request head not complete within " +
                                    std::to_string(settings_.head_timeout.count()) + " ms");
      refuse(socket, connection, 408, "timeout", "request head not received in time");
    } else {
      if (connection.state == State::waiting && connection.requests == 0) {
        log_.note("head_timeout", "a new connection sent nothing within " +
                                      std::to_string(settings_.head_timeout.count()) + " ms");
      }
      // Also idle keep-alive connections (normal, not logged), and refused
      // ones whose client did not close.
      close_connection(socket);
    }
  }
}

}  // namespace edgehub::hub

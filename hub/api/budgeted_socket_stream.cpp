#include "api/budgeted_socket_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace edgehub::hub {
namespace {

// Waits until the socket is ready for `events` or `timeout` passes.
bool wait_for(int socket, short events, std::chrono::milliseconds timeout) {
  pollfd descriptor{socket, events, 0};
  for (;;) {
    const int ready =
        ::poll(&descriptor, 1, static_cast<int>(std::max<std::int64_t>(0, timeout.count())));
    if (ready > 0) return true;
    if (ready == 0 || errno != EINTR) return false;
  }
}

void address_of(const sockaddr_storage& address, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

}  // namespace

BudgetedSocketStream::BudgetedSocketStream(int socket, std::string head, std::uint64_t body_bytes,
                                           Clock::time_point body_deadline,
                                           std::chrono::milliseconds write_timeout, TlsSession* tls)
    : socket_(socket),
      tls_(tls),
      head_(std::move(head)),
      body_left_(body_bytes),
      body_deadline_(body_deadline),
      write_timeout_(write_timeout) {}

bool BudgetedSocketStream::is_readable() const {
  return head_offset_ < head_.size() || body_left_ > 0;
}

bool BudgetedSocketStream::is_writable() const {
  // Like httplib's own stream: a client that closed its side is gone, even
  // though its socket still takes writes for a while (event streams check
  // this between events).
  char byte = 0;
  const ssize_t peeked = ::recv(socket_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (peeked == 0 || (peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    return false;
  }
  return wait_for(socket_, POLLOUT, write_timeout_);
}

ssize_t BudgetedSocketStream::read(char* ptr, size_t size) {
  if (head_offset_ < head_.size()) {
    const std::size_t n = std::min(size, head_.size() - head_offset_);
    std::memcpy(ptr, head_.data() + head_offset_, n);
    head_offset_ += n;
    return static_cast<ssize_t>(n);
  }
  if (body_left_ == 0 || size == 0) return 0;  // the admitted request ends here
  const std::size_t wanted = static_cast<std::size_t>(std::min<std::uint64_t>(size, body_left_));
  if (tls_ != nullptr) return read_tls(ptr, wanted);
  for (;;) {
    const ssize_t n = ::recv(socket_, ptr, wanted, MSG_DONTWAIT);
    if (n > 0) {
      body_left_ -= static_cast<std::uint64_t>(n);
      return n;
    }
    if (n == 0) return -1;  // the client left before its body was complete
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(body_deadline_ - Clock::now());
    if (left.count() <= 0 || !wait_for(socket_, POLLIN, left)) {
      body_timed_out_ = true;
      return -1;
    }
  }
}

ssize_t BudgetedSocketStream::read_tls(char* ptr, std::size_t size) {
  for (;;) {
    const TlsTransfer received = tls_->read(ptr, size);
    if (received.bytes > 0) {
      body_left_ -= received.bytes;
      return static_cast<ssize_t>(received.bytes);
    }
    if (received.state != TlsIo::want_read && received.state != TlsIo::want_write) return -1;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(body_deadline_ - Clock::now());
    const short event = received.state == TlsIo::want_read ? POLLIN : POLLOUT;
    if (left.count() <= 0 || !wait_for(socket_, event, left)) {
      body_timed_out_ = true;
      return -1;
    }
  }
}

ssize_t BudgetedSocketStream::write_tls(const char* ptr, std::size_t size) {
  std::size_t written = 0;
  while (written < size) {
    const TlsTransfer sent = tls_->write(ptr + written, size - written);
    if (sent.bytes > 0) {
      written += sent.bytes;
      continue;
    }
    const bool wait = sent.state == TlsIo::want_read || sent.state == TlsIo::want_write;
    const short event = sent.state == TlsIo::want_read ? POLLIN : POLLOUT;
    if (!wait || !wait_for(socket_, event, write_timeout_)) {
      return written > 0 ? static_cast<ssize_t>(written) : -1;
    }
  }
  return static_cast<ssize_t>(written);
}

ssize_t BudgetedSocketStream::write(const char* ptr, size_t size) {
  if (tls_ != nullptr) return write_tls(ptr, size);
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::send(socket_, ptr + written, size - written, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
        wait_for(socket_, POLLOUT, write_timeout_)) {
      continue;
    }
    return written > 0 ? static_cast<ssize_t>(written) : -1;
  }
  return static_cast<ssize_t>(written);
}

void BudgetedSocketStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getpeername(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    address_of(address, ip, port);
  }
}

void BudgetedSocketStream::get_local_ip_and_port(std::string& ip, int& port) const {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    address_of(address, ip, port);
  }
}

socket_t BudgetedSocketStream::socket() const { return socket_; }

}  // namespace edgehub::hub

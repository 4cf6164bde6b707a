// A plain TCP connection to a server on 127.0.0.1 (unit and integration
// tests), for sending what no HTTP client library would send: slow, endless
// or half requests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace edgehub::test {

class RawHttpConnection {
 public:
  explicit RawHttpConnection(std::uint16_t port) {
    socket_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  RawHttpConnection(const RawHttpConnection&) = delete;
  RawHttpConnection& operator=(const RawHttpConnection&) = delete;
  ~RawHttpConnection() {
    if (socket_ >= 0) ::close(socket_);
  }

  bool connected() const { return connected_; }
  int socket() const { return socket_; }

  // false once the server closed or reset the connection.
  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(socket_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Everything received until `until` is in it, the server closes, or the
  // timeout passes (until empty: only the last two).
  std::string receive(std::chrono::milliseconds timeout, const std::string& until = "") {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && (until.empty() || received_.find(until) == std::string::npos) &&
           receive_some(deadline)) {
    }
    return received_;
  }

  // One whole answer (head and Content-Length body), taken off what was
  // received; empty on timeout.
  std::string response(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t head_end = std::string::npos;
    while ((head_end = received_.find("\r\n\r\n")) == std::string::npos) {
      if (closed_ || !receive_some(deadline)) return "";
    }
    std::size_t length = 0;
    const auto at = received_.find("Content-Length: ");
    if (at != std::string::npos && at < head_end) length = std::stoul(received_.substr(at + 16));
    while (received_.size() < head_end + 4 + length) {
      if (closed_ || !receive_some(deadline)) return "";
    }
    std::string whole = received_.substr(0, head_end + 4 + length);
    received_.erase(0, whole.size());
    return whole;
  }

  // Whether the server closed the connection within the timeout.
  bool closed_by_server(std::chrono::milliseconds timeout) {
    receive(timeout);
    return closed_;
  }

 private:
  // One read; false when the deadline passed or the connection ended.
  bool receive_some(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd descriptor{socket_, POLLIN, 0};
    if (::poll(&descriptor, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[4096];
    const ssize_t n = ::recv(socket_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    received_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  int socket_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

inline int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::stoi(response.substr(9, 3));
}

}  // namespace edgehub::test

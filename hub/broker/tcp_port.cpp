#include "broker/tcp_port.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <thread>

namespace edgehub::hub {
namespace {

struct AddrInfoDeleter {
  void operator()(addrinfo* info) const noexcept { freeaddrinfo(info); }
};
using AddrInfoList = std::unique_ptr<addrinfo, AddrInfoDeleter>;

Result<AddrInfoList> resolve(const std::string& host, std::uint16_t port, int flags) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    return make_error(ErrorCode::invalid_argument,
                      "cannot resolve address '" + host + "': " + gai_strerror(rc));
  }
  return AddrInfoList(found);
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

bool connects(const addrinfo& address) {
  Socket socket(
      ::socket(address.ai_family, address.ai_socktype | SOCK_CLOEXEC, address.ai_protocol));
  if (socket.fd() < 0) return false;
  return ::connect(socket.fd(), address.ai_addr, address.ai_addrlen) == 0;
}

}  // namespace

Status check_port_free(const std::string& bind_address, std::uint16_t port) {
  auto addresses = resolve(bind_address, port, AI_PASSIVE);
  if (!addresses) return addresses.error();
  const std::string where = format_host_port(bind_address, port);
  for (const addrinfo* address = addresses->get(); address; address = address->ai_next) {
    Socket socket(
        ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, address->ai_protocol));
    if (socket.fd() < 0) continue;
    // As the servers do: a port in TIME_WAIT counts as free.
    const int on = 1;
    ::setsockopt(socket.fd(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(socket.fd(), address->ai_addr, address->ai_addrlen) != 0) {
      const int error = errno;
      if (error == EADDRINUSE) {
        return make_error(ErrorCode::conflict, where + " is already in use by another process");
      }
      return make_error(ErrorCode::invalid_argument,
                        "cannot listen on " + where + ": " + std::strerror(error));
    }
  }
  return ok_status();
}

std::string connectable_host(const std::string& bind_address) {
  if (bind_address.empty() || bind_address == "0.0.0.0") return "127.0.0.1";
  if (bind_address == "::" || bind_address == "[::]") return "::1";
  return bind_address;
}

std::string format_host_port(const std::string& host, std::uint16_t port) {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

bool wait_until_port_accepts(const std::string& host, std::uint16_t port,
                             std::chrono::milliseconds timeout,
                             const std::function<bool()>& keep_waiting) {
  auto addresses = resolve(host, port, 0);
  if (!addresses) return false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    for (const addrinfo* address = addresses->get(); address; address = address->ai_next) {
      if (connects(*address)) return true;
    }
    if (keep_waiting && !keep_waiting()) return false;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace edgehub::hub

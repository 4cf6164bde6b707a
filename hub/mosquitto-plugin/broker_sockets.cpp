#include "mosquitto-plugin/broker_sockets.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string_view>

namespace edgehub::hub::mosquitto_auth {
namespace {

int integer_option(int fd, int option) {
  int value = -1;
  socklen_t length = sizeof(value);
  if (::getsockopt(fd, SOL_SOCKET, option, &value, &length) != 0) return -1;
  return value;
}

std::optional<std::uint16_t> local_port(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return std::nullopt;
  if (address.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
  }
  if (address.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> BrokerSockets::socket_inode(int fd) {
  struct stat status {};
  if (fd < 0 || ::fstat(fd, &status) != 0 || !S_ISSOCK(status.st_mode)) return std::nullopt;
  return static_cast<std::uint64_t>(status.st_ino);
}

bool BrokerSockets::shut_down_connection(const ObservedSocket& socket) {
  if (socket_inode(socket.fd) != socket.inode) return false;
  return ::shutdown(socket.fd, SHUT_RDWR) == 0;
}

std::vector<ObservedSocket> BrokerSockets::accepted_connections() {
  std::vector<ObservedSocket> open;
  DIR* directory = ::opendir("/proc/self/fd");
  if (directory == nullptr) return open;
  const int own_fd = ::dirfd(directory);
  std::unordered_map<std::uint64_t, Known> seen;
  std::unordered_set<std::uint16_t> listening_ports;
  std::vector<std::pair<ObservedSocket, std::uint16_t>> connections;
  while (const dirent* entry = ::readdir(directory)) {
    if (entry->d_name[0] == '.') continue;
    const int fd = std::atoi(entry->d_name);
    if (fd == own_fd) continue;
    const std::optional<std::uint64_t> inode = socket_inode(fd);
    if (!inode) continue;
    Known known;
    if (const auto found = known_.find(*inode); found != known_.end()) {
      known = found->second;
    } else if (integer_option(fd, SO_TYPE) == SOCK_STREAM) {
      const int domain = integer_option(fd, SO_DOMAIN);
      const std::optional<std::uint16_t> port = local_port(fd);
      if ((domain == AF_INET || domain == AF_INET6) && port && *port != 0) {
        known.kind = integer_option(fd, SO_ACCEPTCONN) == 1 ? Kind::listener : Kind::connection;
        known.local_port = *port;
      }
    }
    seen[*inode] = known;
    if (known.kind == Kind::listener) listening_ports.insert(known.local_port);
    if (known.kind == Kind::connection) connections.push_back({{fd, *inode}, known.local_port});
  }
  ::closedir(directory);
  known_ = std::move(seen);
  for (const auto& [socket, port] : connections) {
    if (listening_ports.count(port) != 0) open.push_back(socket);
  }
  return open;
}

}  // namespace edgehub::hub::mosquitto_auth

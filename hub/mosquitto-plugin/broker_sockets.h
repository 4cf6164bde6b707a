// The broker process's own accepted TCP connections, found by looking at
// its file descriptors (/proc/self/fd, fstat, getsockopt, getsockname):
// the plugin API tells nothing about a connection before its CONNECT.
// Linux only. Reads and never closes anything; shut_down_connection ends a
// connection the way a peer would (the broker owns the descriptor, sees EOF
// and frees it itself).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "mosquitto-plugin/connect_deadline.h"

namespace edgehub::hub::mosquitto_auth {

class BrokerSockets {
 public:
  // Every TCP connection accepted on one of this process's listening ports.
  // Classifies each socket once (by inode); later scans cost one fstat per
  // open descriptor.
  std::vector<ObservedSocket> accepted_connections();

  // The inode of fd if it is a socket.
  static std::optional<std::uint64_t> socket_inode(int fd);

  // shutdown(SHUT_RDWR) if fd still is the socket with that inode.
  static bool shut_down_connection(const ObservedSocket& socket);

 private:
  enum class Kind { listener, connection, other };
  struct Known {
    Kind kind = Kind::other;
    std::uint16_t local_port = 0;
  };
  std::unordered_map<std::uint64_t, Known> known_;
};

}  // namespace edgehub::hub::mosquitto_auth

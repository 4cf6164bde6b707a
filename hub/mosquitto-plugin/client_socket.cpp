#include "mosquitto-plugin/client_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "mosquitto-plugin/broker_sockets.h"

namespace edgehub::hub::mosquitto_auth {
namespace {

constexpr int kIdentClient = 2;  // enum mosquitto__identifier id_client (2.0.11)

struct ClientHead {  // the first two members of struct mosquitto
  int ident;
  int sock;
};

Error mismatch(const std::string& what) {
  return make_error(ErrorCode::invalid_argument,
                    "mosquitto's client structure is not the expected 2.0.11 layout: " + what);
}

}  // namespace

std::optional<std::string> peer_host(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return std::nullopt;
  char text[INET6_ADDRSTRLEN] = {};
  const void* raw = nullptr;
  if (address.ss_family == AF_INET) {
    raw = &reinterpret_cast<const sockaddr_in*>(&address)->sin_addr;
  } else if (address.ss_family == AF_INET6) {
    raw = &reinterpret_cast<const sockaddr_in6*>(&address)->sin6_addr;
  } else {
    return std::nullopt;
  }
  if (::inet_ntop(address.ss_family, raw, text, sizeof(text)) == nullptr) return std::nullopt;
  return std::string(text);
}

Result<ClientSocket> client_socket_of(const void* client, const char* address) {
  if (client == nullptr) return make_error(ErrorCode::invalid_argument, "no client");
  if (address == nullptr) {
    return make_error(ErrorCode::unavailable, "the client has no address (not connected)");
  }
  ClientHead head{};
  std::memcpy(&head, client, sizeof(head));
  if (head.ident != kIdentClient) {
    return mismatch("first member is " + std::to_string(head.ident) + ", not id_client (2)");
  }
  if (head.sock == -1) {
    // INVALID_SOCKET: an offline persistent session, which mosquitto hands
    // to the plugin again when a SIGHUP re-checks every session. Says
    // nothing about the layout.
    return make_error(ErrorCode::unavailable, "the client has no connection (an offline session)");
  }
  const std::optional<std::uint64_t> inode = BrokerSockets::socket_inode(head.sock);
  if (!inode) return mismatch("second member " + std::to_string(head.sock) + " is not a socket");
  const std::optional<std::string> peer = peer_host(head.sock);
  if (!peer) {
    // A socket without a peer: the client hung up while its CONNECT was
    // being handled. Says nothing about the layout.
    return make_error(ErrorCode::unavailable, "socket " + std::to_string(head.sock) +
                                                  " has no peer any more (the client left)");
  }
  if (*peer != address) {
    return mismatch("socket " + std::to_string(head.sock) + " is connected to " + *peer +
                    ", the client to " + address);
  }
  return ClientSocket{head.sock, *inode};
}

}  // namespace edgehub::hub::mosquitto_auth

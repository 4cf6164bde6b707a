// The socket of an admitted client, read from mosquitto's private client
// structure: the plugin API (2.0.11) has no accessor for it, and the
// connect deadline must know which connections are admitted.
//
// mosquitto 2.0.11, lib/mosquitto_internal.h, built WITH_BROKER and
// WITH_EPOLL (Debian's build):
//   struct mosquitto { int ident; /* id_client = 2 */ mosq_sock_t sock; ... }
// Another build or version may differ, so every read is validated: ident is
// id_client, sock is a socket, and its peer address is the client's address
// as the API reports it. A failed validation means "do not know", never a
// guess.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "edgehub/common/result.h"

namespace edgehub::hub::mosquitto_auth {

struct ClientSocket {
  int fd = -1;
  std::uint64_t inode = 0;
};

// client: the broker's struct mosquitto*; address: mosquitto_client_address.
// invalid_argument saying which check failed (the layout is not the
// expected one); unavailable when the socket has no peer any more (the
// client left during its CONNECT: nothing is known either way).
Result<ClientSocket> client_socket_of(const void* client, const char* address);

// The numeric host of fd's peer ("127.0.0.1", "::1"), as mosquitto writes it.
std::optional<std::string> peer_host(int fd);

}  // namespace edgehub::hub::mosquitto_auth

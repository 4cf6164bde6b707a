// TCP_NODELAY for Paho's broker connections (Paho has no option for it).
#pragma once

#include <cstdint>
#include <vector>

namespace edgehub::hub {

// The sockets of this process connected to the given (broker) port. Call it
// after Paho has connected: only Paho's connections go there.
std::vector<int> sockets_towards(std::uint16_t port);

// Sets or clears TCP_NODELAY on a socket. Setting it also sends at once what
// Nagle's algorithm was holding back. Errors are ignored (a socket closed by
// a reconnect in the meantime).
void set_tcp_nodelay(int socket, bool on);

}  // namespace edgehub::hub

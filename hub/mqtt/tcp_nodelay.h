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

// Paho C does not set TCP_NODELAY and has no option for it. Without it, a
// command's PUBLISH waits behind the broker's delayed ACK of the previous
// PUBACK (Nagle): about 40 ms per command round trip, measured with
// tests/perf/command_rtt.sh. With it, every PUBACK of a stream of incoming
// messages is a TCP segment of its own: about 2.5 us more CPU per message in
// the client and as much in the broker (tests/perf/ingest.sh). Sets it on
// every socket towards the port, for good.
void disable_nagle_towards(std::uint16_t port);

}  // namespace edgehub::hub

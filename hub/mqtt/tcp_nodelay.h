// TCP_NODELAY for Paho's broker connections (Paho has no option for it).
#pragma once

#include <cstdint>

namespace edgehub::hub {

// Paho C does not set TCP_NODELAY and has no option for it. Without it, a
// command's PUBLISH waits behind the broker's delayed ACK of the previous
// PUBACK (Nagle): about 40 ms per command round trip, measured with
// tests/perf/command_rtt.sh. Sets it on every socket of this process
// connected to the broker's port (call it after connecting: only Paho's
// connections are).
void disable_nagle_towards(std::uint16_t port);

}  // namespace edgehub::hub

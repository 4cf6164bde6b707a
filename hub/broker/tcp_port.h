// TCP port checks around starting a server: is the port free, does it accept yet.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "edgehub/common/result.h"

namespace edgehub::hub {

// ok if a listening socket could be bound to bind_address:port right now;
// conflict if the port is in use, invalid_argument if the address is not a
// local numeric address or host name that resolves.
Status check_port_free(const std::string& bind_address, std::uint16_t port);

// The address a local client uses to reach a server bound to bind_address:
// the wildcard addresses map to loopback.
std::string connectable_host(const std::string& bind_address);

// "127.0.0.1:8883", "[::1]:8883".
std::string format_host_port(const std::string& host, std::uint16_t port);

// Polls until host:port accepts a TCP connection (true), timeout passes or
// keep_waiting returns false (false).
bool wait_until_port_accepts(const std::string& host, std::uint16_t port,
                             std::chrono::milliseconds timeout,
                             const std::function<bool()>& keep_waiting = {});

}  // namespace edgehub::hub

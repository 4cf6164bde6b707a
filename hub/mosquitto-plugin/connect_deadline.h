// The deadline for a new connection to finish its TLS handshake and MQTT
// CONNECT (mosquitto 2.0.11 has none: a connection that never sends CONNECT
// is dropped only after 1.5 x 60 s, and 1,024 of them lock every device out).
//
// Bookkeeping only (pure): the entry points scan the broker's own sockets
// (broker_sockets.h) on MOSQ_EVT_TICK and pass the accepted connections
// found; this class remembers when each socket (by inode: a file descriptor
// number is reused, an inode is not while the socket lives) was first seen,
// and names those past the deadline that were not admitted (BASIC_AUTH
// success marks them). The entry points shut those down; the broker then
// reads EOF and cleans up itself.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "mosquitto-plugin/token_bucket.h"

namespace edgehub::hub::mosquitto_auth {

struct ObservedSocket {
  int fd = -1;
  std::uint64_t inode = 0;
  bool operator==(const ObservedSocket&) const = default;
};

class ConnectDeadline {
 public:
  explicit ConnectDeadline(std::chrono::milliseconds deadline);

  // The accepted connections open now (a full scan). Returns those first
  // seen more than the deadline ago and not admitted, each once. Sockets
  // missing from the scan are forgotten.
  std::vector<ObservedSocket> observe(const std::vector<ObservedSocket>& open, SteadyTime now);

  // The connection on this socket was admitted: never name it.
  void admitted(std::uint64_t inode, SteadyTime now);

  // How often a scan is worth it: a tenth of the deadline, 250 ms to 1 s.
  std::chrono::milliseconds scan_interval() const;
  // When to scan next after a scan that took scan_took: the scan interval,
  // or longer so that scans take at most a tenth of the broker's thread
  // (one fstat per descriptor: measured 6 us each in a sandboxed kernel,
  // 200 ms for 20,000 connections), but never later than the deadline.
  std::chrono::milliseconds next_scan_after(std::chrono::nanoseconds scan_took) const;
  std::size_t tracked() const noexcept { return sockets_.size(); }

 private:
  struct Tracked {
    SteadyTime first_seen;
    bool admitted = false;
    bool expired = false;  // already named once
  };
  std::chrono::milliseconds deadline_;
  std::unordered_map<std::uint64_t, Tracked> sockets_;
};

}  // namespace edgehub::hub::mosquitto_auth

// The transport seam: the only way the SDK core reaches the network.
//
// Same contract as coreMQTT's transport interface. Connection set-up (TCP,
// TLS handshake, certificates) happens outside the SDK; the core only moves
// bytes over an established connection.
//
//   send(context, data, length)      and   recv(context, buffer, capacity)
//
// both return the number of bytes moved (> 0), or
//   0   nothing could be moved right now and there is no error (the socket
//       would block, TLS needs more records): the SDK tries again later;
//   < 0 an error: the connection is unusable. A peer that closed the
//       connection is an error, never 0.
// Neither may block for long: the SDK calls them from process(). Partial
// transfers are expected; the SDK keeps track of what is left.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgehub::device {

struct Transport {
  void* context = nullptr;
  std::int32_t (*send)(void* context, const std::uint8_t* data, std::size_t length) = nullptr;
  std::int32_t (*recv)(void* context, std::uint8_t* buffer, std::size_t capacity) = nullptr;
};

}  // namespace edgehub::device

// A TLS client connection over a non-blocking TCP socket (OpenSSL), exposed to
// the SDK through the Transport contract (transport.h):
//   send/recv return bytes moved; 0 when the socket or TLS would block
//   (SSL_ERROR_WANT_READ / WANT_WRITE); -1 on any error, including the peer
//   closing the connection.
//
// The server certificate must chain to the context's CA and name the host
// connected to: its IP address (SAN IP) when host is an address, its DNS name
// (SAN DNS, also sent as SNI) otherwise.
//
// Connecting does not block: start() then advance() until ok, polling fd()
// for poll_events() in between; connect() does both with poll() for simple
// programs. The process must ignore SIGPIPE (signal(SIGPIPE, SIG_IGN)): a
// write to a connection the peer closed raises it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "edgehub/device/posix/tls_context.h"
#include "edgehub/device/posix/tls_identity.h"
#include "edgehub/device/status.h"
#include "edgehub/device/transport.h"

namespace edgehub::device::posix {

class TlsConnection {
 public:
  // context must outlive the connection.
  explicit TlsConnection(const TlsContext& context);
  ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  // The client certificate and key to present instead of the context's (a
  // context loaded with load_trust has none); from the next start() on.
  // identity must outlive the connection; nullptr = the context's.
  void set_identity(const TlsIdentity* identity) noexcept { identity_ = identity; }

  // Starts a TCP connect to host:port (a name or an IPv4/IPv6 address);
  // timeout_ms covers TCP and TLS together. ok when started (advance() next),
  // or connection_refused / bad_parameter with last_error().
  Status start(const std::string& host, std::uint16_t port, std::uint32_t timeout_ms);
  // ok: established; in_progress: poll and call again; timeout;
  // connection_refused: TCP refused, TLS handshake or verification failed.
  Status advance();
  // start() + advance() with poll(), blocking up to timeout_ms.
  Status connect(const std::string& host, std::uint16_t port, std::uint32_t timeout_ms);

  // The SDK's view of this connection; valid while this object lives.
  Transport transport() noexcept;

  bool is_established() const noexcept;
  int fd() const noexcept;
  // POLLIN/POLLOUT to wait for: POLLOUT while connecting, while TLS wants to
  // write, or when the application has bytes to send (pending_send).
  short poll_events(bool pending_send) const noexcept;
  // Decrypted bytes are waiting inside OpenSSL: read them without polling.
  bool has_buffered_input() const noexcept;

  // Sends close_notify if possible and closes the socket. Safe to repeat.
  void close() noexcept;
  const std::string& last_error() const noexcept { return last_error_; }

 private:
  static std::int32_t send_bytes(void* context, const std::uint8_t* data,
                                 std::size_t length) noexcept;
  static std::int32_t recv_bytes(void* context, std::uint8_t* buffer,
                                 std::size_t capacity) noexcept;
  Status fail(Status status, std::string message);
  Status begin_handshake();

  enum class Phase : std::uint8_t { closed, tcp_connecting, handshaking, established };

  const TlsContext& context_;
  const TlsIdentity* identity_ = nullptr;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Phase phase_ = Phase::closed;
  int fd_ = -1;
  bool want_write_ = false;
  std::string host_;
  std::string endpoint_;  // host:port, for messages
  std::uint32_t deadline_ms_ = 0;
  std::string last_error_;
};

}  // namespace edgehub::device::posix

// One HTTPS connection's TLS session over a non-blocking socket: the
// handshake and the reads and writes of the front (connection_lobby.h,
// budgeted_socket_stream.h) go through it and never block; a caller that is
// told want_read / want_write waits for the socket itself, within its own
// deadline. No OpenSSL type in this header.
#pragma once

#include <cstddef>
#include <memory>

namespace edgehub::hub {

enum class TlsIo {
  done,        // handshake complete / bytes moved
  want_read,   // nothing to do until the socket is readable
  want_write,  // nothing to do until the socket is writable
  closed,      // the client closed the connection (close_notify or EOF)
  failed,      // a TLS or socket error: the connection is unusable
};

struct TlsTransfer {
  std::size_t bytes = 0;
  TlsIo state = TlsIo::done;
};

class TlsSession {
 public:
  // Takes ownership of an OpenSSL SSL* already bound to the socket.
  explicit TlsSession(void* ssl);
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;
  ~TlsSession();

  TlsIo handshake();
  bool handshake_done() const { return handshake_done_; }
  TlsTransfer read(char* buffer, std::size_t size);
  TlsTransfer write(const char* data, std::size_t size);
  // Decrypted input OpenSSL holds that no read took yet.
  bool has_buffered_input() const;
  // Sends close_notify once (best effort, never waits).
  void close_notify();

 private:
  TlsIo state_after(int result);

  void* ssl_;
  bool handshake_done_ = false;
  bool closed_ = false;
};

}  // namespace edgehub::hub

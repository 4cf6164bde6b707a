#include "api/tls_session.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace edgehub::hub {
namespace {

SSL* as_ssl(void* ssl) { return static_cast<SSL*>(ssl); }

}  // namespace

TlsSession::TlsSession(void* ssl) : ssl_(ssl) {}

TlsSession::~TlsSession() { SSL_free(as_ssl(ssl_)); }

TlsIo TlsSession::state_after(int result) {
  switch (SSL_get_error(as_ssl(ssl_), result)) {
    case SSL_ERROR_WANT_READ:
      return TlsIo::want_read;
    case SSL_ERROR_WANT_WRITE:
      return TlsIo::want_write;
    case SSL_ERROR_ZERO_RETURN:
      closed_ = true;
      return TlsIo::closed;
    default:
      // The error queue is per thread: leave it empty for the next session
      // this thread serves.
      ERR_clear_error();
      closed_ = true;
      return TlsIo::failed;
  }
}

TlsIo TlsSession::handshake() {
  if (handshake_done_) return TlsIo::done;
  ERR_clear_error();
  const int result = SSL_accept(as_ssl(ssl_));
  if (result == 1) {
    handshake_done_ = true;
    return TlsIo::done;
  }
  return state_after(result);
}

TlsTransfer TlsSession::read(char* buffer, std::size_t size) {
  if (size == 0) return {};
  ERR_clear_error();
  std::size_t taken = 0;
  const int result = SSL_read_ex(as_ssl(ssl_), buffer, size, &taken);
  if (result == 1) return {taken, TlsIo::done};
  return {0, state_after(result)};
}

TlsTransfer TlsSession::write(const char* data, std::size_t size) {
  if (size == 0) return {};
  ERR_clear_error();
  std::size_t written = 0;
  const int result = SSL_write_ex(as_ssl(ssl_), data, size, &written);
  if (result == 1) return {written, TlsIo::done};
  return {0, state_after(result)};
}

bool TlsSession::has_buffered_input() const { return SSL_pending(as_ssl(ssl_)) > 0; }

void TlsSession::close_notify() {
  if (closed_ || !handshake_done_) return;
  closed_ = true;
  ERR_clear_error();
  SSL_shutdown(as_ssl(ssl_));
  ERR_clear_error();
}

}  // namespace edgehub::hub

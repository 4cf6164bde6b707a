#include "edgehub/device/posix/tls_connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "edgehub/device/posix/monotonic_clock.h"
#include "openssl_errors.h"
#include "tls_identity_impl.h"

namespace edgehub::device::posix {

struct TlsConnection::Impl {
  SSL* ssl = nullptr;
};

namespace {

bool is_ip_address(const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), address) == 1;
}

std::int32_t clamp_length(std::size_t length) {
  return length > INT_MAX ? INT_MAX : static_cast<std::int32_t>(length);
}

}  // namespace

TlsConnection::TlsConnection(const TlsContext& context)
    : context_(context), impl_(std::make_unique<Impl>()) {}

TlsConnection::~TlsConnection() { close(); }

Status TlsConnection::fail(Status status, std::string message) {
  last_error_ = std::move(message);
  close();
  return status;
}

Status TlsConnection::start(const std::string& host, std::uint16_t port, std::uint32_t timeout_ms) {
  close();
  last_error_.clear();
  if (!context_.loaded()) return fail(Status::bad_parameter, "TLS context not loaded");
  host_ = host;
  endpoint_ =
      (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  deadline_ms_ = monotonic_ms() + timeout_ms;

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  const std::string service = std::to_string(port);
  const int resolved = getaddrinfo(host.c_str(), service.c_str(), &hints, &addresses);
  if (resolved != 0 || addresses == nullptr) {
    return fail(Status::bad_parameter, "cannot resolve '" + host + "': " + gai_strerror(resolved));
  }
  fd_ = socket(addresses->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    freeaddrinfo(addresses);
    return fail(Status::connection_refused, std::string("socket: ") + std::strerror(errno));
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));  // MQTT packets are small
  const int connected = ::connect(fd_, addresses->ai_addr, addresses->ai_addrlen);
  const int connect_errno = errno;
  freeaddrinfo(addresses);
  if (connected != 0 && connect_errno != EINPROGRESS) {
    return fail(Status::connection_refused,
                "connect to " + endpoint_ + ": " + std::strerror(connect_errno));
  }
  phase_ = Phase::tcp_connecting;
  return Status::ok;
}

Status TlsConnection::begin_handshake() {
  int error = 0;
  socklen_t length = sizeof(error);
  if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error != 0) {
    return fail(Status::connection_refused,
                "connect to " + endpoint_ + ": " + std::strerror(error));
  }
  ERR_clear_error();
  SSL* ssl = SSL_new(static_cast<SSL_CTX*>(context_.native_handle()));
  if (ssl == nullptr) {
    return fail(Status::connection_refused, detail::take_openssl_errors("SSL_new failed"));
  }
  impl_->ssl = ssl;
  if (identity_ != nullptr) {
    const TlsIdentity::Impl* identity = identity_->native();
    if (identity == nullptr) return fail(Status::bad_parameter, "TLS identity not loaded");
    // The SSL takes references: nothing is copied per connection.
    if (SSL_use_certificate(ssl, identity->certificate) != 1 ||
        SSL_use_PrivateKey(ssl, identity->key) != 1 ||
        (sk_X509_num(identity->chain) > 0 && SSL_set1_chain(ssl, identity->chain) != 1)) {
      return fail(Status::bad_parameter, detail::take_openssl_errors("cannot use TLS identity"));
    }
  }
  if (SSL_set_fd(ssl, fd_) != 1) {
    return fail(Status::connection_refused, detail::take_openssl_errors("SSL_set_fd failed"));
  }
  // The server certificate must name what we connected to.
  if (is_ip_address(host_)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host_.c_str()) != 1) {
      return fail(Status::bad_parameter, "cannot check server address " + host_);
    }
  } else if (SSL_set1_host(ssl, host_.c_str()) != 1 ||
             SSL_set_tlsext_host_name(ssl, host_.c_str()) != 1) {
    return fail(Status::bad_parameter, "cannot check server name " + host_);
  }
  phase_ = Phase::handshaking;
  return Status::ok;
}

Status TlsConnection::advance() {
  if (phase_ == Phase::established) return Status::ok;
  if (phase_ == Phase::closed) return Status::wrong_state;
  if (phase_ == Phase::tcp_connecting) {
    pollfd entry{fd_, POLLOUT, 0};
    if (poll(&entry, 1, 0) == 1) {
      const Status status = begin_handshake();
      if (status != Status::ok) return status;
    }
  }
  if (phase_ == Phase::handshaking) {
    ERR_clear_error();
    const int result = SSL_connect(impl_->ssl);
    if (result == 1) {
      phase_ = Phase::established;
      want_write_ = false;
      return Status::ok;
    }
    const int error = SSL_get_error(impl_->ssl, result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      want_write_ = error == SSL_ERROR_WANT_WRITE;
    } else {
      const long verify = SSL_get_verify_result(impl_->ssl);
      std::string reason =
          verify != X509_V_OK
              ? std::string("server certificate rejected: ") + X509_verify_cert_error_string(verify)
              : detail::take_openssl_errors(error == SSL_ERROR_SYSCALL ||
                                                    error == SSL_ERROR_ZERO_RETURN
                                                ? "connection closed during the TLS handshake"
                                                : "TLS handshake failed");
      return fail(Status::connection_refused, "TLS with " + endpoint_ + ": " + reason);
    }
  }
  if (static_cast<std::int32_t>(monotonic_ms() - deadline_ms_) >= 0) {
    return fail(Status::timeout, "connecting to " + endpoint_ + " timed out");
  }
  return Status::in_progress;
}

Status TlsConnection::connect(const std::string& host, std::uint16_t port,
                              std::uint32_t timeout_ms) {
  Status status = start(host, port, timeout_ms);
  while (status == Status::ok || status == Status::in_progress) {
    status = advance();
    if (status != Status::in_progress) break;
    pollfd entry{fd_, poll_events(false), 0};
    const auto left = static_cast<std::int32_t>(deadline_ms_ - monotonic_ms());
    (void)poll(&entry, 1, left > 0 ? left : 0);
  }
  return status;
}

Transport TlsConnection::transport() noexcept {
  Transport transport;
  transport.context = this;
  transport.send = &TlsConnection::send_bytes;
  transport.recv = &TlsConnection::recv_bytes;
  return transport;
}

std::int32_t TlsConnection::send_bytes(void* context, const std::uint8_t* data,
                                       std::size_t length) noexcept {
  auto* self = static_cast<TlsConnection*>(context);
  if (self->phase_ != Phase::established) return -1;
  if (length == 0) return 0;
  ERR_clear_error();
  const int result = SSL_write(self->impl_->ssl, data, clamp_length(length));
  if (result > 0) {
    self->want_write_ = false;
    return result;
  }
  const int error = SSL_get_error(self->impl_->ssl, result);
  if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
    self->want_write_ = error == SSL_ERROR_WANT_WRITE;
    return 0;
  }
  self->last_error_ = detail::take_openssl_errors("connection closed while sending");
  return -1;
}

std::int32_t TlsConnection::recv_bytes(void* context, std::uint8_t* buffer,
                                       std::size_t capacity) noexcept {
  auto* self = static_cast<TlsConnection*>(context);
  if (self->phase_ != Phase::established) return -1;
  if (capacity == 0) return 0;
  ERR_clear_error();
  const int result = SSL_read(self->impl_->ssl, buffer, clamp_length(capacity));
  if (result > 0) return result;
  const int error = SSL_get_error(self->impl_->ssl, result);
  if (error == SSL_ERROR_WANT_READ) return 0;
  if (error == SSL_ERROR_WANT_WRITE) {
    self->want_write_ = true;
    return 0;
  }
  self->last_error_ = error == SSL_ERROR_ZERO_RETURN || error == SSL_ERROR_SYSCALL
                          ? detail::take_openssl_errors("connection closed by the server")
                          : detail::take_openssl_errors("TLS read failed");
  return -1;
}

bool TlsConnection::is_established() const noexcept { return phase_ == Phase::established; }

int TlsConnection::fd() const noexcept { return fd_; }

short TlsConnection::poll_events(bool pending_send) const noexcept {
  switch (phase_) {
    case Phase::closed:
      return 0;
    case Phase::tcp_connecting:
      return POLLOUT;
    case Phase::handshaking:
      return want_write_ ? POLLOUT : POLLIN;
    case Phase::established:
      break;
  }
  return static_cast<short>(POLLIN | (pending_send || want_write_ ? POLLOUT : 0));
}

bool TlsConnection::has_buffered_input() const noexcept {
  return phase_ == Phase::established && SSL_has_pending(impl_->ssl) == 1;
}

void TlsConnection::close() noexcept {
  if (impl_ && impl_->ssl != nullptr) {
    if (phase_ == Phase::established) (void)SSL_shutdown(impl_->ssl);  // best effort
    SSL_free(impl_->ssl);
    impl_->ssl = nullptr;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  phase_ = Phase::closed;
  want_write_ = false;
  ERR_clear_error();
}

}  // namespace edgehub::device::posix

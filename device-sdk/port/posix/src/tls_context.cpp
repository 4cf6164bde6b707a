#include "edgehub/device/posix/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "openssl_errors.h"

namespace edgehub::device::posix {

struct TlsContext::Impl {
  SSL_CTX* ctx = nullptr;
  ~Impl() { SSL_CTX_free(ctx); }
};

TlsContext::TlsContext() = default;
TlsContext::~TlsContext() = default;
TlsContext::TlsContext(TlsContext&&) noexcept = default;
TlsContext& TlsContext::operator=(TlsContext&&) noexcept = default;

bool TlsContext::loaded() const noexcept { return impl_ != nullptr; }

void* TlsContext::native_handle() const noexcept { return impl_ ? impl_->ctx : nullptr; }

Status TlsContext::load(const TlsFiles& files) { return load_files(files, true); }

Status TlsContext::load_trust(const std::string& ca_file) {
  return load_files(TlsFiles{ca_file, {}, {}}, false);
}

Status TlsContext::load_files(const TlsFiles& files, bool with_identity) {
  impl_.reset();
  error_.clear();
  ERR_clear_error();
  auto impl = std::make_unique<Impl>();
  impl->ctx = SSL_CTX_new(TLS_client_method());
  if (impl->ctx == nullptr) {
    error_ = detail::take_openssl_errors("SSL_CTX_new failed");
    return Status::bad_parameter;
  }
  SSL_CTX* ctx = impl->ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  // Partial writes and a send buffer that moves between retries are what the
  // SDK's send queue does; idle connections give their buffers back.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_load_verify_locations(ctx, files.ca_file.c_str(), nullptr) != 1) {
    error_ = "cannot load CA file '" + files.ca_file +
             "': " + detail::take_openssl_errors("not a PEM certificate");
    return Status::bad_parameter;
  }
  if (!with_identity) {
    impl_ = std::move(impl);
    return Status::ok;
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, files.certificate_file.c_str()) != 1) {
    error_ = "cannot load certificate file '" + files.certificate_file +
             "': " + detail::take_openssl_errors("not a PEM certificate");
    return Status::bad_parameter;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, files.private_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    error_ = "cannot load private key file '" + files.private_key_file +
             "': " + detail::take_openssl_errors("not a PEM private key");
    return Status::bad_parameter;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    error_ = "private key '" + files.private_key_file + "' does not match certificate '" +
             files.certificate_file + "'";
    ERR_clear_error();
    return Status::bad_parameter;
  }
  impl_ = std::move(impl);
  return Status::ok;
}

}  // namespace edgehub::device::posix

#include "api/tls_server_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>
#include <string>

namespace edgehub::hub {
namespace {

std::string openssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(code, line, sizeof line);
    text += (text.empty() ? "" : "; ") + std::string(line);
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

}  // namespace

struct TlsServerContext::Context {
  explicit Context(SSL_CTX* made) : ssl_context(made) {}
  ~Context() { SSL_CTX_free(ssl_context); }
  SSL_CTX* ssl_context;
};

Result<std::shared_ptr<TlsServerContext::Context>> TlsServerContext::load(
    const std::filesystem::path& certificate_file, const std::filesystem::path& key_file) {
  ERR_clear_error();
  auto context = std::make_shared<Context>(SSL_CTX_new(TLS_server_method()));
  SSL_CTX* ssl = context->ssl_context;
  if (ssl == nullptr) return make_error(ErrorCode::internal, "TLS: " + openssl_errors());
  SSL_CTX_set_min_proto_version(ssl, TLS1_2_VERSION);
  // Non-blocking sockets: a partial write is retried with the rest, from
  // another buffer address when httplib's buffer moved.
  SSL_CTX_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_options(ssl, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_use_certificate_chain_file(ssl, certificate_file.c_str()) != 1) {
    return make_error(ErrorCode::internal,
                      "TLS certificate " + certificate_file.string() + ": " + openssl_errors());
  }
  if (SSL_CTX_use_PrivateKey_file(ssl, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ssl) != 1) {
    return make_error(ErrorCode::internal, "TLS key " + key_file.string() + ": " +
                                               openssl_errors() + " (does it match " +
                                               certificate_file.string() + "?)");
  }
  return context;
}

TlsServerContext::TlsServerContext(std::filesystem::path certificate_file,
                                   std::filesystem::path key_file)
    : certificate_file_(std::move(certificate_file)), key_file_(std::move(key_file)) {
  auto loaded = load(certificate_file_, key_file_);
  if (!loaded) throw std::runtime_error(loaded.error().message);
  current_ = std::move(loaded.value());
}

TlsServerContext::~TlsServerContext() = default;

Status TlsServerContext::reload() {
  auto loaded = load(certificate_file_, key_file_);
  if (!loaded) return loaded.error();
  std::lock_guard lock(mutex_);
  current_ = std::move(loaded.value());
  return ok_status();
}

std::unique_ptr<TlsSession> TlsServerContext::open_session(int socket) {
  std::shared_ptr<Context> context;
  {
    std::lock_guard lock(mutex_);
    context = current_;
  }
  // The session holds its own reference to the SSL_CTX (OpenSSL counts it).
  SSL* ssl = SSL_new(context->ssl_context);
  if (ssl == nullptr) {
    ERR_clear_error();
    return nullptr;
  }
  if (SSL_set_fd(ssl, socket) != 1) {
    SSL_free(ssl);
    ERR_clear_error();
    return nullptr;
  }
  SSL_set_accept_state(ssl);
  return std::make_unique<TlsSession>(ssl);
}

}  // namespace edgehub::hub

#include "edgehub/device/posix/tls_identity.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "openssl_errors.h"
#include "tls_identity_impl.h"

namespace edgehub::device::posix {

TlsIdentity::TlsIdentity() = default;
TlsIdentity::~TlsIdentity() = default;
TlsIdentity::TlsIdentity(TlsIdentity&&) noexcept = default;
TlsIdentity& TlsIdentity::operator=(TlsIdentity&&) noexcept = default;

bool TlsIdentity::loaded() const noexcept { return impl_ != nullptr; }

Status TlsIdentity::load(const std::string& certificate_file, const std::string& private_key_file) {
  impl_.reset();
  error_.clear();
  ERR_clear_error();
  auto impl = std::make_unique<Impl>();
  BIO* certificates = BIO_new_file(certificate_file.c_str(), "r");
  if (certificates != nullptr) {
    impl->certificate = PEM_read_bio_X509_AUX(certificates, nullptr, nullptr, nullptr);
    impl->chain = sk_X509_new_null();
    while (impl->certificate != nullptr && impl->chain != nullptr) {
      X509* intermediate = PEM_read_bio_X509(certificates, nullptr, nullptr, nullptr);
      if (intermediate == nullptr) break;
      sk_X509_push(impl->chain, intermediate);
    }
    BIO_free(certificates);
  }
  if (impl->certificate == nullptr) {
    error_ = "cannot load certificate file '" + certificate_file +
             "': " + detail::take_openssl_errors("not a PEM certificate");
    return Status::bad_parameter;
  }
  ERR_clear_error();  // the end of the chain reads as "no start line"
  BIO* key = BIO_new_file(private_key_file.c_str(), "r");
  if (key != nullptr) {
    impl->key = PEM_read_bio_PrivateKey(key, nullptr, nullptr, nullptr);
    BIO_free(key);
  }
  if (impl->key == nullptr) {
    error_ = "cannot load private key file '" + private_key_file +
             "': " + detail::take_openssl_errors("not a PEM private key");
    return Status::bad_parameter;
  }
  if (X509_check_private_key(impl->certificate, impl->key) != 1) {
    error_ = "private key '" + private_key_file + "' does not match certificate '" +
             certificate_file + "'";
    ERR_clear_error();
    return Status::bad_parameter;
  }
  impl_ = std::move(impl);
  return Status::ok;
}

}  // namespace edgehub::device::posix

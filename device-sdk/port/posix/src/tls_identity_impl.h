// TlsIdentity's OpenSSL objects, shared by tls_identity.cpp and
// tls_connection.cpp (private to the port).
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "edgehub/device/posix/tls_identity.h"

namespace edgehub::device::posix {

struct TlsIdentity::Impl {
  X509* certificate = nullptr;
  STACK_OF(X509) * chain = nullptr;  // intermediates after the certificate; may be empty
  EVP_PKEY* key = nullptr;
  ~Impl() {
    X509_free(certificate);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
  }
};

}  // namespace edgehub::device::posix

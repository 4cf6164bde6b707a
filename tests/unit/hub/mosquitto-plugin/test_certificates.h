// Certificates made in memory for tests (ECDSA P-256, self-signed).
#pragma once

#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

namespace edgehub::hub::mosquitto_auth::testing {

struct X509Deleter {
  void operator()(X509* certificate) const noexcept { X509_free(certificate); }
};
using CertificatePtr = std::unique_ptr<X509, X509Deleter>;

// A certificate whose subject holds one CN entry per name (none if empty).
CertificatePtr make_certificate(const std::vector<std::string>& common_names);
inline CertificatePtr make_certificate(const std::string& common_name) {
  return make_certificate(std::vector<std::string>{common_name});
}

// Lower-case hex SHA-256 of the DER form, computed with X509_digest (an
// independent path from the one under test).
std::string reference_fingerprint(const X509& certificate);

}  // namespace edgehub::hub::mosquitto_auth::testing

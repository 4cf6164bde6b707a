// Builds and signs X.509 v3 certificates: the self-signed CA and the TLS
// client / server certificates it issues (SHA-256 signatures, 128-bit random
// serials, notBefore one hour in the past to tolerate clock skew).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "pki/openssl_handles.h"

namespace edgehub::hub::openssl {

enum class TlsRole { client, server };

struct LeafRequest {
  TlsRole role = TlsRole::client;
  std::string_view common_name;
  std::vector<std::string> subject_alt_names;  // server only: IP addresses, DNS names
  std::chrono::days validity{0};
};

// basicConstraints critical CA:TRUE, keyUsage critical keyCertSign+cRLSign,
// subjectKeyIdentifier.
CertificatePtr build_authority_certificate(EVP_PKEY& key, std::string_view common_name,
                                           std::chrono::days validity);

// basicConstraints critical CA:FALSE, keyUsage critical digitalSignature,
// extendedKeyUsage clientAuth or serverAuth, subject and authority key
// identifiers, subjectAltName (server). Throws std::invalid_argument for a
// common name that is empty or over 64 bytes, a validity outside 1..36500
// days, or a malformed subject alternative name.
CertificatePtr build_leaf_certificate(X509& issuer, EVP_PKEY& issuer_key, EVP_PKEY& subject_key,
                                      const LeafRequest& request);

}  // namespace edgehub::hub::openssl

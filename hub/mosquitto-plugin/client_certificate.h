// What the plugin needs from the TLS client certificate: its subject CN and
// its fingerprint (lower-case hex SHA-256 of the DER form), as registered by
// hubd (CertificateAuthority::fingerprint_of_pem computes the same).
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <string>

#include "edgehub/common/result.h"

namespace edgehub::hub::mosquitto_auth {

struct PresentedCertificate {
  std::string common_name;
  std::string sha256_hex;
  // The certificate's validity, ms since the epoch (0: not checked).
  std::int64_t not_before_ms = 0;
  std::int64_t not_after_ms = 0;
};

// invalid_argument with an operator-readable reason when the subject has no
// CN, more than one CN, a CN that is not valid UTF-8 text without NULs, or
// an unreadable validity period.
Result<PresentedCertificate> read_presented_certificate(const X509& certificate);

// Lower-case hex SHA-256 of the certificate's DER encoding.
Result<std::string> certificate_sha256_hex(const X509& certificate);

}  // namespace edgehub::hub::mosquitto_auth

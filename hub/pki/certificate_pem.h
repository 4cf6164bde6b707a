// X.509 certificates to and from PEM, and their SHA-256 fingerprint.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pki/openssl_handles.h"

namespace edgehub::hub::openssl {

// The first certificate in pem; nullptr if there is none.
CertificatePtr certificate_from_pem(std::string_view pem);

std::string certificate_to_pem(const X509& certificate);

// A certificate time as ms since the epoch (0 if it cannot be read).
std::int64_t epoch_ms_of(const ASN1_TIME* time);

// Lower-case hex SHA-256 of the DER form (what the broker plugin compares).
std::string sha256_fingerprint(const X509& certificate);

}  // namespace edgehub::hub::openssl

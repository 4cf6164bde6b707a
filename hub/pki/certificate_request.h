// Certificate signing requests (PKCS#10) a device sends instead of letting
// the hub make its key: what makes one acceptable.
#pragma once

#include <openssl/x509.h>

#include <string_view>

#include "pki/openssl_handles.h"

namespace edgehub::hub::openssl {

using RequestPtr = std::unique_ptr<X509_REQ, Deleter<X509_REQ_free>>;

// The request in pem, once it passed every check: it is a PEM certificate
// request, its self-signature verifies with its own key (the sender holds
// the private key), its subject has exactly one CN and it equals
// common_name, and its key is strong (key_strength.h). Throws
// std::invalid_argument naming the first check that failed.
RequestPtr checked_request_from_pem(std::string_view pem, std::string_view common_name);

}  // namespace edgehub::hub::openssl

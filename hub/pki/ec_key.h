// ECDSA P-256 key pairs and their PEM form (PKCS#8, unencrypted).
#pragma once

#include <string>
#include <string_view>

#include "pki/openssl_handles.h"

namespace edgehub::hub::openssl {

KeyPtr generate_p256_key();

// Unencrypted PKCS#8 PEM (label "PRIVATE KEY").
std::string private_key_to_pem(const EVP_PKEY& key);

// nullptr if pem holds no unencrypted private key (never asks for a
// passphrase).
KeyPtr private_key_from_pem(std::string_view pem);

}  // namespace edgehub::hub::openssl

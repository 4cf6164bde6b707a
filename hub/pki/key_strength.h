// Which public keys the hub accepts for a device: ECDSA on P-256, P-384 or
// P-521, Ed25519, or RSA of 2048 bits or more. Anything else (RSA 1024, DSA,
// an unusual curve) is refused when a device is registered or enrolled.
#pragma once

#include <string>

#include "pki/openssl_handles.h"

namespace edgehub::hub::openssl {

// "" if the key is strong enough, else why not ("RSA key of 1024 bits: ...").
std::string weak_key_reason(const EVP_PKEY& key);

}  // namespace edgehub::hub::openssl

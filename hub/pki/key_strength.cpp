#include "pki/key_strength.h"

#include <openssl/core_names.h>

#include <array>
#include <string_view>

namespace edgehub::hub::openssl {
namespace {

constexpr int kMinimumRsaBits = 2048;
constexpr std::array<std::string_view, 3> kAcceptedCurves = {"prime256v1", "secp384r1",
                                                             "secp521r1"};

}  // namespace

std::string weak_key_reason(const EVP_PKEY& key) {
  if (EVP_PKEY_is_a(&key, "RSA")) {
    const int bits = EVP_PKEY_get_bits(&key);
    if (bits >= kMinimumRsaBits) return "";
    return "RSA key of " + std::to_string(bits) + " bits (at least " +
           std::to_string(kMinimumRsaBits) + " required)";
  }
  if (EVP_PKEY_is_a(&key, "EC")) {
    char group[64] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(&key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &length) != 1) {
      return "EC key on an unnamed curve";
    }
    const std::string_view curve(group, length);
    for (std::string_view accepted : kAcceptedCurves) {
      if (curve == accepted) return "";
    }
    return "EC key on curve " + std::string(curve) + " (P-256, P-384 or P-521 required)";
  }
  if (EVP_PKEY_is_a(&key, "ED25519")) return "";
  return "unsupported key type (ECDSA P-256/P-384/P-521, Ed25519 or RSA >= 2048 bits required)";
}

}  // namespace edgehub::hub::openssl

#include "pki/ec_key.h"

#include <openssl/pem.h>

#include "pki/openssl_failure.h"

namespace edgehub::hub::openssl {
namespace {

// Refuses encrypted keys instead of prompting on the terminal.
int no_passphrase(char*, int, int, void*) { return -1; }

}  // namespace

KeyPtr generate_p256_key() {
  KeyContextPtr context(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!context || EVP_PKEY_keygen_init(context.get()) <= 0 ||
      EVP_PKEY_CTX_set_group_name(context.get(), "P-256") <= 0 ||
      EVP_PKEY_generate(context.get(), &key) <= 0) {
    throw_failure("cannot generate an ECDSA P-256 key");
  }
  return KeyPtr(key);
}

std::string private_key_to_pem(const EVP_PKEY& key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PKCS8PrivateKey(bio.get(), &key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw_failure("cannot encode a private key as PEM");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

KeyPtr private_key_from_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw_failure("cannot read a private key");
  return KeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
}

}  // namespace edgehub::hub::openssl

#include "pki/certificate_request.h"

#include <openssl/pem.h>

#include <stdexcept>
#include <string>

#include "pki/key_strength.h"
#include "pki/openssl_failure.h"
#include "pki/subject_name.h"

namespace edgehub::hub::openssl {

RequestPtr checked_request_from_pem(std::string_view pem, std::string_view common_name) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) throw_failure("cannot read a certificate request");
  RequestPtr request(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  if (!request) {
    take_errors();
    throw std::invalid_argument(
        "not a PEM certificate request (-----BEGIN CERTIFICATE REQUEST-----)");
  }
  EVP_PKEY* key = X509_REQ_get0_pubkey(request.get());
  if (key == nullptr) {
    take_errors();
    throw std::invalid_argument("the certificate request holds no usable public key");
  }
  if (X509_REQ_verify(request.get(), key) != 1) {
    take_errors();
    throw std::invalid_argument(
        "the certificate request's signature does not verify with its own key");
  }
  const std::string named = single_common_name(X509_REQ_get_subject_name(request.get()));
  if (named != common_name) {
    throw std::invalid_argument("the certificate request is for CN '" + named + "', not '" +
                                std::string(common_name) + "'");
  }
  if (std::string weak = weak_key_reason(*key); !weak.empty()) {
    throw std::invalid_argument("the certificate request's key is refused: " + weak);
  }
  return request;
}

}  // namespace edgehub::hub::openssl

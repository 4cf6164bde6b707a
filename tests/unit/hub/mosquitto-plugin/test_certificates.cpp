#include "test_certificates.h"

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <stdexcept>

namespace edgehub::hub::mosquitto_auth::testing {

CertificatePtr make_certificate(const std::vector<std::string>& common_names) {
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  CertificatePtr certificate(X509_new());
  if (!key || !certificate) throw std::runtime_error("cannot allocate a test certificate");
  X509_set_version(certificate.get(), 2);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600);
  X509_set_pubkey(certificate.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("edgehub tests"), -1, -1, 0);
  for (const std::string& name : common_names) {
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(name.data()),
                               static_cast<int>(name.size()), -1, 0);
  }
  X509_set_issuer_name(certificate.get(), subject);
  if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0) {
    throw std::runtime_error("cannot sign a test certificate");
  }
  return certificate;
}

std::string reference_fingerprint(const X509& certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(&certificate, EVP_sha256(), digest, &length) != 1) {
    throw std::runtime_error("X509_digest failed");
  }
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

}  // namespace edgehub::hub::mosquitto_auth::testing

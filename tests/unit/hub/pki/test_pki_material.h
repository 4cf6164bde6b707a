// Keys, CSRs and certificates made in memory with OpenSSL for the pki tests:
// what a device or an operator's own CA would bring.
#pragma once

#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <string>

#include "x509_inspection.h"

namespace edgehub::test {

inline std::string pem_of_request(X509_REQ& request) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_REQ(bio, &request);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

inline std::string pem_of_certificate(X509& certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, &certificate);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

inline PrivateKey p256_key() { return PrivateKey(EVP_EC_gen("P-256")); }
inline PrivateKey rsa_key(unsigned bits) { return PrivateKey(EVP_RSA_gen(bits)); }

// A CSR with subject CN=common_name for subject_key, signed by signing_key
// (the subject key itself for an honest request).
inline std::string request_pem(EVP_PKEY& subject_key, const std::string& common_name,
                               EVP_PKEY* signing_key = nullptr) {
  X509_REQ* request = X509_REQ_new();
  X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(request), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.data()),
                             static_cast<int>(common_name.size()), -1, 0);
  X509_REQ_set_pubkey(request, &subject_key);
  X509_REQ_sign(request, signing_key != nullptr ? signing_key : &subject_key, EVP_sha256());
  std::string pem = pem_of_request(*request);
  X509_REQ_free(request);
  return pem;
}

struct Issued {
  PrivateKey key;
  Certificate certificate;
  std::string pem;
};

// A certificate for a new P-256 key, valid from now + from_s to now + to_s,
// signed by issuer (self-signed if null); a CA if ca.
inline Issued make_certificate(const std::string& common_name, bool ca, long from_s, long to_s,
                               const Issued* issuer) {
  Issued made{p256_key(), Certificate(X509_new()), ""};
  X509* c = made.certificate.get();
  X509_set_version(c, X509_VERSION_3);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(c), ++serial);
  X509_gmtime_adj(X509_getm_notBefore(c), from_s);
  X509_gmtime_adj(X509_getm_notAfter(c), to_s);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(c), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.data()),
                             static_cast<int>(common_name.size()), -1, 0);
  X509* signer = issuer != nullptr ? issuer->certificate.get() : c;
  X509_set_issuer_name(c, X509_get_subject_name(signer));
  X509_set_pubkey(c, made.key.get());
  X509V3_CTX context;
  X509V3_set_ctx(&context, signer, c, nullptr, nullptr, 0);
  for (const auto& [nid, value] :
       {std::pair{NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE"},
        std::pair{NID_key_usage, ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature"},
        std::pair{NID_ext_key_usage, ca ? "" : "clientAuth"}}) {
    if (*value == '\0') continue;
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    X509_add_ext(c, extension, -1);
    X509_EXTENSION_free(extension);
  }
  X509_sign(c, issuer != nullptr ? issuer->key.get() : made.key.get(), EVP_sha256());
  made.pem = pem_of_certificate(*c);
  return made;
}

}  // namespace edgehub::test

// Independent look at what the CA issued, through OpenSSL directly (not
// through hub/pki's own helpers), so that the tests check the real bytes.
#pragma once

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace edgehub::test {

struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Certificate = std::unique_ptr<X509, X509Free>;
using PrivateKey = std::unique_ptr<EVP_PKEY, KeyFree>;

inline Certificate parse_certificate(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Certificate certificate(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return certificate;
}

inline PrivateKey parse_private_key(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  PrivateKey key(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return key;
}

// The label of the first PEM block ("CERTIFICATE", "PRIVATE KEY" for
// unencrypted PKCS#8, ...) as OpenSSL's PEM reader sees it; "" if none.
inline std::string pem_label(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  std::string label;
  if (PEM_read_bio(bio, &name, &header, &data, &length) == 1) label = name;
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  BIO_free(bio);
  return label;
}

// X509_verify_cert against a store holding only the CA; "" when it verifies,
// else OpenSSL's reason. purpose: X509_PURPOSE_SSL_CLIENT / _SSL_SERVER.
inline std::string verification_failure(X509& ca, X509& certificate, int purpose) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, &ca);
  X509_STORE_CTX* context = X509_STORE_CTX_new();
  X509_STORE_CTX_init(context, store, &certificate, nullptr);
  X509_STORE_CTX_set_purpose(context, purpose);
  const int verified = X509_verify_cert(context);
  std::string failure =
      verified == 1 ? "" : X509_verify_cert_error_string(X509_STORE_CTX_get_error(context));
  X509_STORE_CTX_free(context);
  X509_STORE_free(store);
  return failure;
}

inline std::string common_name_of(X509& certificate) {
  char name[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(&certificate), NID_commonName, name, sizeof name);
  return name;
}

// "IP:127.0.0.1", "DNS:localhost", ... in certificate order.
inline std::vector<std::string> subject_alt_names_of(X509& certificate) {
  std::vector<std::string> names;
  auto* general_names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(&certificate, NID_subject_alt_name, nullptr, nullptr));
  if (general_names == nullptr) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(general_names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(general_names, i);
    if (name->type == GEN_DNS) {
      names.push_back("DNS:" + std::string(reinterpret_cast<const char*>(
                                               ASN1_STRING_get0_data(name->d.dNSName)),
                                           ASN1_STRING_length(name->d.dNSName)));
    } else if (name->type == GEN_IPADD) {
      const int length = ASN1_STRING_length(name->d.iPAddress);
      char text[INET6_ADDRSTRLEN] = {};
      inet_ntop(length == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(name->d.iPAddress), text,
                sizeof text);
      names.push_back(std::string("IP:") + text);
    }
  }
  GENERAL_NAMES_free(general_names);
  return names;
}

// What `openssl x509 -outform DER | sha256sum` prints, computed in-process.
inline std::string der_sha256_hex(X509& certificate) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(&certificate, &der);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  EVP_Digest(der, static_cast<std::size_t>(length), digest, &digest_length, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < digest_length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

inline long seconds_from_now(const ASN1_TIME* time) {
  int days = 0;
  int seconds = 0;
  ASN1_TIME_diff(&days, &seconds, nullptr, time);
  return days * 86400L + seconds;
}

}  // namespace edgehub::test

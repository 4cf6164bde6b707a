#include "pki/certificate_builder.h"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>
#include <string>

#include "pki/openssl_failure.h"
#include "pki/subject_alt_names.h"

namespace edgehub::hub::openssl {
namespace {

constexpr std::size_t kMaxCommonNameBytes = 64;  // ub-common-name, RFC 5280
constexpr std::chrono::days kMaxValidity{36500};
constexpr long kClockSkewSeconds = 3600;
constexpr std::size_t kSerialBytes = 16;

void check_request(std::string_view common_name, std::chrono::days validity) {
  if (common_name.empty() || common_name.size() > kMaxCommonNameBytes) {
    throw std::invalid_argument("certificate common name must be 1-64 bytes, got '" +
                                std::string(common_name) + "'");
  }
  if (validity < std::chrono::days{1} || validity > kMaxValidity) {
    throw std::invalid_argument("certificate validity must be 1-36500 days, got " +
                                std::to_string(validity.count()));
  }
}

void set_random_serial(X509& certificate) {
  std::array<unsigned char, kSerialBytes> bytes{};
  BignumPtr number;
  do {
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      throw_failure("cannot draw a random serial number");
    }
    number.reset(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    if (!number) throw_failure("cannot build a serial number");
  } while (BN_is_zero(number.get()));
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(number.get(), nullptr));
  if (!serial || X509_set_serialNumber(&certificate, serial.get()) != 1) {
    throw_failure("cannot set the serial number");
  }
}

// A certificate with version, serial, validity, subject CN and public key;
// the caller adds the issuer, extensions and signature.
CertificatePtr new_certificate(EVP_PKEY& subject_key, std::string_view common_name,
                               std::chrono::days validity) {
  CertificatePtr certificate(X509_new());
  if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1) {
    throw_failure("cannot create a certificate");
  }
  set_random_serial(*certificate);
  if (X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -kClockSkewSeconds) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(certificate.get()), static_cast<int>(validity.count()), 0,
                       nullptr) == nullptr) {
    throw_failure("cannot set the validity period");
  }
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.data()),
                                 static_cast<int>(common_name.size()), -1, 0) != 1) {
    throw_failure("cannot set the common name '" + std::string(common_name) + "'");
  }
  if (X509_set_pubkey(certificate.get(), &subject_key) != 1) {
    throw_failure("cannot set the public key");
  }
  return certificate;
}

// Adds one extension written in OpenSSL's configuration syntax, e.g.
// "critical,CA:TRUE"; context tells it the issuer and subject (key ids).
void add_extension(X509& certificate, X509V3_CTX& context, int nid, const char* value) {
  ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  if (!extension || X509_add_ext(&certificate, extension.get(), -1) != 1) {
    throw_failure(std::string("cannot add extension ") + OBJ_nid2sn(nid) + " = " + value);
  }
}

void sign(X509& certificate, EVP_PKEY& issuer_key) {
  if (X509_sign(&certificate, &issuer_key, EVP_sha256()) <= 0) {
    throw_failure("cannot sign the certificate");
  }
}

}  // namespace

CertificatePtr build_authority_certificate(EVP_PKEY& key, std::string_view common_name,
                                           std::chrono::days validity) {
  check_request(common_name, validity);
  CertificatePtr certificate = new_certificate(key, common_name, validity);
  if (X509_set_issuer_name(certificate.get(), X509_get_subject_name(certificate.get())) != 1) {
    throw_failure("cannot set the issuer name");
  }
  X509V3_CTX context;
  X509V3_set_ctx(&context, certificate.get(), certificate.get(), nullptr, nullptr, 0);
  add_extension(*certificate, context, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(*certificate, context, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(*certificate, context, NID_subject_key_identifier, "hash");
  sign(*certificate, key);
  return certificate;
}

CertificatePtr build_leaf_certificate(X509& issuer, EVP_PKEY& issuer_key, EVP_PKEY& subject_key,
                                      const LeafRequest& request) {
  check_request(request.common_name, request.validity);
  GeneralNamesPtr alt_names;
  if (!request.subject_alt_names.empty()) {
    alt_names = subject_alt_names_from(request.subject_alt_names);
  }
  CertificatePtr certificate = new_certificate(subject_key, request.common_name, request.validity);
  if (X509_set_issuer_name(certificate.get(), X509_get_subject_name(&issuer)) != 1) {
    throw_failure("cannot set the issuer name");
  }
  X509V3_CTX context;
  X509V3_set_ctx(&context, &issuer, certificate.get(), nullptr, nullptr, 0);
  add_extension(*certificate, context, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(*certificate, context, NID_key_usage, "critical,digitalSignature");
  add_extension(*certificate, context, NID_ext_key_usage,
                request.role == TlsRole::client ? "clientAuth" : "serverAuth");
  add_extension(*certificate, context, NID_subject_key_identifier, "hash");
  add_extension(*certificate, context, NID_authority_key_identifier, "keyid:always");
  if (alt_names && X509_add1_ext_i2d(certificate.get(), NID_subject_alt_name, alt_names.get(), 0,
                                     X509V3_ADD_DEFAULT) != 1) {
    throw_failure("cannot add the subjectAltName extension");
  }
  sign(*certificate, issuer_key);
  return certificate;
}

}  // namespace edgehub::hub::openssl

#include "pki/trusted_authorities.h"

#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "pki/certificate_pem.h"
#include "pki/key_strength.h"
#include "pki/openssl_failure.h"
#include "pki/private_files.h"
#include "pki/subject_name.h"

namespace edgehub::hub {
namespace {

using StorePtr = std::unique_ptr<X509_STORE, openssl::Deleter<X509_STORE_free>>;
using StoreContextPtr = std::unique_ptr<X509_STORE_CTX, openssl::Deleter<X509_STORE_CTX_free>>;

std::string one_line_subject(const X509& certificate) {
  openssl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(&certificate), 0,
                                 XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    openssl::throw_failure("cannot print a subject name");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

openssl::CertificatePtr parse_one(std::string_view pem, const char* what) {
  openssl::CertificatePtr certificate = openssl::certificate_from_pem(pem);
  if (!certificate) {
    openssl::take_errors();
    throw std::invalid_argument(std::string(what) +
                                " is not a PEM certificate (-----BEGIN CERTIFICATE-----)");
  }
  return certificate;
}

AuthorityFacts authority_facts(const X509& certificate) {
  AuthorityFacts facts;
  facts.subject = one_line_subject(certificate);
  facts.certificate_sha256 = openssl::sha256_fingerprint(certificate);
  facts.not_before_ms = openssl::epoch_ms_of(X509_get0_notBefore(&certificate));
  facts.not_after_ms = openssl::epoch_ms_of(X509_get0_notAfter(&certificate));
  facts.certificate_pem = openssl::certificate_to_pem(certificate);
  return facts;
}

std::string hash_name(const X509& certificate) {
  char name[16];
  std::snprintf(name, sizeof name, "%08lx",
                X509_subject_name_hash(const_cast<X509*>(&certificate)));
  return name;
}

}  // namespace

DeviceCertificateFacts certificate_facts_of_pem(std::string_view certificate_pem) {
  const openssl::CertificatePtr certificate = parse_one(certificate_pem, "the certificate");
  DeviceCertificateFacts facts;
  facts.common_name = openssl::single_common_name(X509_get_subject_name(certificate.get()));
  facts.certificate_sha256 = openssl::sha256_fingerprint(*certificate);
  facts.not_before_ms = openssl::epoch_ms_of(X509_get0_notBefore(certificate.get()));
  facts.not_after_ms = openssl::epoch_ms_of(X509_get0_notAfter(certificate.get()));
  return facts;
}

TrustedAuthorities::TrustedAuthorities(std::filesystem::path directory, std::string hub_ca_pem)
    : directory_(std::move(directory)), hub_ca_pem_(std::move(hub_ca_pem)) {
  ensure_private_directory(directory_);
}

std::vector<AuthorityFacts> TrustedAuthorities::list() const {
  std::lock_guard lock(mutex_);
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
    if (entry.is_regular_file() && entry.path().extension() != ".tmp")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<AuthorityFacts> authorities;
  for (const auto& file : files) {
    const openssl::CertificatePtr certificate =
        openssl::certificate_from_pem(read_whole_file(file));
    if (!certificate) {
      openssl::take_errors();
      throw std::runtime_error(file.string() + " does not hold a PEM certificate");
    }
    authorities.push_back(authority_facts(*certificate));
  }
  return authorities;
}

bool TrustedAuthorities::add(std::string_view pem, AuthorityFacts& stored) {
  const openssl::CertificatePtr certificate = parse_one(pem, "the CA certificate");
  X509* ca = certificate.get();
  if (X509_check_ca(ca) == 0) {
    throw std::invalid_argument(
        "the certificate is not a CA certificate (basicConstraints CA:TRUE)");
  }
  if ((X509_get_extension_flags(ca) & EXFLAG_SS) == 0) {
    throw std::invalid_argument(
        "the certificate is not self-signed: add the root CA (the broker verifies chains up to "
        "a self-signed root)");
  }
  if (X509_cmp_current_time(X509_get0_notAfter(ca)) <= 0) {
    throw std::invalid_argument("the CA certificate has expired");
  }
  if (X509_cmp_current_time(X509_get0_notBefore(ca)) >= 0) {
    throw std::invalid_argument("the CA certificate is not valid yet");
  }
  stored = authority_facts(*ca);
  for (const AuthorityFacts& known : list()) {
    if (known.certificate_sha256 == stored.certificate_sha256) return false;
  }
  if (stored.certificate_sha256 == openssl::sha256_fingerprint(*parse_one(hub_ca_pem_, "hub CA"))) {
    return false;
  }
  std::lock_guard lock(mutex_);
  // OpenSSL tries <hash>.0, .1, ... and stops at the first missing number.
  const std::string base = hash_name(*ca);
  for (int suffix = 0;; ++suffix) {
    const std::filesystem::path file = directory_ / (base + "." + std::to_string(suffix));
    if (std::filesystem::exists(file)) continue;
    write_file_atomically(file, stored.certificate_pem, 0644);
    return true;
  }
}

bool TrustedAuthorities::remove(std::string_view certificate_sha256) {
  std::lock_guard lock(mutex_);
  for (const auto& entry : std::filesystem::directory_iterator(directory_)) {
    if (!entry.is_regular_file()) continue;
    const openssl::CertificatePtr certificate =
        openssl::certificate_from_pem(read_whole_file(entry.path()));
    if (!certificate || openssl::sha256_fingerprint(*certificate) != certificate_sha256) continue;
    // Keep the numbers without a gap: the last file of this hash takes the place.
    const std::string base = entry.path().stem().string();
    std::filesystem::path last = entry.path();
    for (int suffix = 0;; ++suffix) {
      const std::filesystem::path next = directory_ / (base + "." + std::to_string(suffix));
      if (!std::filesystem::exists(next)) break;
      last = next;
    }
    std::filesystem::rename(last, entry.path());
    if (last == entry.path()) std::filesystem::remove(entry.path());
    return true;
  }
  return false;
}

DeviceCertificateFacts TrustedAuthorities::check_device_certificate(
    std::string_view certificate_pem, std::string_view common_name) const {
  const openssl::CertificatePtr certificate = parse_one(certificate_pem, "the device certificate");
  X509* leaf = certificate.get();
  if (X509_check_ca(leaf) != 0) {
    throw std::invalid_argument("the device certificate is a CA certificate");
  }
  const std::string named = openssl::single_common_name(X509_get_subject_name(leaf));
  if (named != common_name) {
    throw std::invalid_argument("the device certificate is for CN '" + named + "', not '" +
                                std::string(common_name) + "'");
  }
  EVP_PKEY* key = X509_get0_pubkey(leaf);
  if (key == nullptr) throw std::invalid_argument("the device certificate has no usable key");
  if (std::string weak = openssl::weak_key_reason(*key); !weak.empty()) {
    throw std::invalid_argument("the device certificate's key is refused: " + weak);
  }

  StorePtr store(X509_STORE_new());
  if (!store) openssl::throw_failure("cannot create a certificate store");
  const openssl::CertificatePtr hub_ca = parse_one(hub_ca_pem_, "the hub CA");
  X509_STORE_add_cert(store.get(), hub_ca.get());
  for (const AuthorityFacts& authority : list()) {
    const openssl::CertificatePtr trusted = parse_one(authority.certificate_pem, "a trusted CA");
    X509_STORE_add_cert(store.get(), trusted.get());
  }
  StoreContextPtr context(X509_STORE_CTX_new());
  if (!context || X509_STORE_CTX_init(context.get(), store.get(), leaf, nullptr) != 1) {
    openssl::throw_failure("cannot verify a certificate");
  }
  // What the broker checks at the handshake: a chain to a trusted root for
  // TLS client use.
  X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_CLIENT);
  if (X509_verify_cert(context.get()) != 1) {
    const int error = X509_STORE_CTX_get_error(context.get());
    openssl::take_errors();
    throw std::invalid_argument(
        std::string("the device certificate does not verify against the hub's CA or a "
                    "trusted CA (hubctl cas list): ") +
        X509_verify_cert_error_string(error));
  }
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(context.get());
  DeviceCertificateFacts facts;
  facts.common_name = named;
  facts.certificate_sha256 = openssl::sha256_fingerprint(*leaf);
  facts.not_before_ms = openssl::epoch_ms_of(X509_get0_notBefore(leaf));
  facts.not_after_ms = openssl::epoch_ms_of(X509_get0_notAfter(leaf));
  facts.issuer_sha256 = openssl::sha256_fingerprint(*sk_X509_value(chain, sk_X509_num(chain) - 1));
  return facts;
}

}  // namespace edgehub::hub

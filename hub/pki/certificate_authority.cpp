#include "pki/certificate_authority.h"

#include <openssl/x509v3.h>

#include <ctime>
#include <mutex>
#include <stdexcept>

#include "pki/certificate_builder.h"
#include "pki/certificate_pem.h"
#include "pki/certificate_request.h"
#include "pki/ec_key.h"
#include "pki/openssl_failure.h"
#include "pki/private_files.h"

namespace edgehub::hub {
namespace {

constexpr std::chrono::days kAuthorityValidity{3650};
constexpr const char* kCertificateFile = "ca.pem";
constexpr const char* kKeyFile = "ca.key";

IssuedCertificate issued_facts(const X509& issued, std::string private_key_pem) {
  return IssuedCertificate{openssl::certificate_to_pem(issued), std::move(private_key_pem),
                           openssl::sha256_fingerprint(issued),
                           openssl::epoch_ms_of(X509_get0_notBefore(&issued)),
                           openssl::epoch_ms_of(X509_get0_notAfter(&issued))};
}

}  // namespace

struct CertificateAuthority::Impl {
  static std::unique_ptr<Impl> load(const std::filesystem::path& certificate_file,
                                    const std::filesystem::path& key_file);
  static std::unique_ptr<Impl> create(const std::filesystem::path& certificate_file,
                                      const std::filesystem::path& key_file,
                                      std::string_view common_name);

  IssuedCertificate issue(const openssl::LeafRequest& request) {
    std::lock_guard lock(issuing);
    openssl::KeyPtr subject_key = openssl::generate_p256_key();
    openssl::CertificatePtr issued =
        openssl::build_leaf_certificate(*certificate, *key, *subject_key, request);
    return issued_facts(*issued, openssl::private_key_to_pem(*subject_key));
  }

  IssuedCertificate sign(EVP_PKEY& subject_key, const openssl::LeafRequest& request) {
    std::lock_guard lock(issuing);
    openssl::CertificatePtr issued =
        openssl::build_leaf_certificate(*certificate, *key, subject_key, request);
    return issued_facts(*issued, "");
  }

  openssl::CertificatePtr certificate;
  openssl::KeyPtr key;
  std::string certificate_pem;
  // Issuing is rare; one at a time keeps OpenSSL's view of the CA objects simple.
  std::mutex issuing;
};

CertificateAuthority CertificateAuthority::load_or_create(const std::filesystem::path& directory,
                                                          std::string_view common_name) {
  ensure_private_directory(directory);
  const std::filesystem::path certificate_file = directory / kCertificateFile;
  const std::filesystem::path key_file = directory / kKeyFile;
  const bool has_certificate = std::filesystem::exists(certificate_file);
  const bool has_key = std::filesystem::exists(key_file);
  if (has_certificate && has_key)
    return CertificateAuthority(Impl::load(certificate_file, key_file));
  if (!has_certificate && !has_key) {
    return CertificateAuthority(Impl::create(certificate_file, key_file, common_name));
  }
  const std::filesystem::path& present = has_certificate ? certificate_file : key_file;
  const std::filesystem::path& missing = has_certificate ? key_file : certificate_file;
  throw std::runtime_error("found " + present.string() + " but not " + missing.string() +
                           ": restore it, or remove both to create a new CA (which "
                           "invalidates every certificate issued so far)");
}

std::unique_ptr<CertificateAuthority::Impl> CertificateAuthority::Impl::load(
    const std::filesystem::path& certificate_file, const std::filesystem::path& key_file) {
  auto impl = std::make_unique<Impl>();
  impl->certificate = openssl::certificate_from_pem(read_whole_file(certificate_file));
  if (!impl->certificate) {
    throw std::runtime_error(certificate_file.string() +
                             " does not hold a PEM certificate: " + openssl::take_errors());
  }
  impl->key = openssl::private_key_from_pem(read_whole_file(key_file));
  if (!impl->key) {
    throw std::runtime_error(key_file.string() + " does not hold an unencrypted PEM private key: " +
                             openssl::take_errors());
  }
  if (X509_check_ca(impl->certificate.get()) == 0) {
    throw std::runtime_error(certificate_file.string() + " is not a CA certificate");
  }
  if (X509_check_private_key(impl->certificate.get(), impl->key.get()) != 1) {
    openssl::take_errors();
    throw std::runtime_error(key_file.string() + " is not the private key of " +
                             certificate_file.string());
  }
  impl->certificate_pem = openssl::certificate_to_pem(*impl->certificate);
  return impl;
}

std::unique_ptr<CertificateAuthority::Impl> CertificateAuthority::Impl::create(
    const std::filesystem::path& certificate_file, const std::filesystem::path& key_file,
    std::string_view common_name) {
  auto impl = std::make_unique<Impl>();
  impl->key = openssl::generate_p256_key();
  impl->certificate =
      openssl::build_authority_certificate(*impl->key, common_name, kAuthorityValidity);
  impl->certificate_pem = openssl::certificate_to_pem(*impl->certificate);
  // The key first: a ca.pem without its key could never sign again.
  write_file_atomically(key_file, openssl::private_key_to_pem(*impl->key), 0600);
  write_file_atomically(certificate_file, impl->certificate_pem, 0644);
  return impl;
}

CertificateAuthority::CertificateAuthority(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CertificateAuthority::CertificateAuthority(CertificateAuthority&&) noexcept = default;
CertificateAuthority& CertificateAuthority::operator=(CertificateAuthority&&) noexcept = default;
CertificateAuthority::~CertificateAuthority() = default;

const std::string& CertificateAuthority::certificate_pem() const { return impl_->certificate_pem; }

IssuedCertificate CertificateAuthority::issue_client(std::string_view common_name,
                                                     std::chrono::days validity) const {
  return impl_->issue(openssl::LeafRequest{openssl::TlsRole::client, common_name, {}, validity});
}

IssuedCertificate CertificateAuthority::sign_client_request(
    std::string_view certificate_request_pem, std::string_view common_name,
    std::chrono::days validity) const {
  const openssl::RequestPtr request =
      openssl::checked_request_from_pem(certificate_request_pem, common_name);
  return impl_->sign(*X509_REQ_get0_pubkey(request.get()),
                     openssl::LeafRequest{openssl::TlsRole::client, common_name, {}, validity});
}

IssuedCertificate CertificateAuthority::issue_server(
    std::string_view common_name, const std::vector<std::string>& subject_alt_names,
    std::chrono::days validity) const {
  return impl_->issue(
      openssl::LeafRequest{openssl::TlsRole::server, common_name, subject_alt_names, validity});
}

std::string CertificateAuthority::fingerprint_of_pem(std::string_view certificate_pem) {
  const openssl::CertificatePtr certificate = openssl::certificate_from_pem(certificate_pem);
  if (!certificate) {
    openssl::take_errors();
    throw std::invalid_argument("not a PEM certificate");
  }
  return openssl::sha256_fingerprint(*certificate);
}

std::chrono::system_clock::time_point CertificateAuthority::not_after_of_pem(
    std::string_view certificate_pem) {
  const openssl::CertificatePtr certificate = openssl::certificate_from_pem(certificate_pem);
  if (!certificate) {
    openssl::take_errors();
    throw std::invalid_argument("not a PEM certificate");
  }
  std::tm expiry{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(certificate.get()), &expiry) != 1) {
    openssl::take_errors();
    throw std::invalid_argument("the certificate's notAfter cannot be read");
  }
  return std::chrono::system_clock::from_time_t(::timegm(&expiry));
}

}  // namespace edgehub::hub

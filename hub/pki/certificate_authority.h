// The hub's development certificate authority (ECDSA P-256, OpenSSL 3).
//
// Issues the broker's server certificate, the hub's service identity and
// device certificates. Private keys never leave the data directory except
// the device key returned to the operator who registers the device.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace edgehub::hub {

struct IssuedCertificate {
  std::string certificate_pem;
  std::string private_key_pem;
  std::string certificate_sha256;  // lower-case hex SHA-256 of the DER certificate
  std::int64_t not_before_ms = 0;  // validity, ms since the epoch
  std::int64_t not_after_ms = 0;
};

class CertificateAuthority {
 public:
  // Loads ca.pem / ca.key from directory, or creates them (key file mode 0600).
  // Throws std::runtime_error with a clear message on unreadable or broken files.
  static CertificateAuthority load_or_create(const std::filesystem::path& directory,
                                             std::string_view common_name);

  CertificateAuthority(CertificateAuthority&&) noexcept;
  CertificateAuthority& operator=(CertificateAuthority&&) noexcept;
  ~CertificateAuthority();

  const std::string& certificate_pem() const;

  // TLS client certificate with CN = common_name (extendedKeyUsage clientAuth).
  IssuedCertificate issue_client(std::string_view common_name, std::chrono::days validity) const;
  // TLS client certificate for the public key of a certificate signing
  // request (PEM, "CERTIFICATE REQUEST"): the device keeps its private key.
  // The request must carry a valid self-signature (proof that its sender
  // holds the key), a subject CN equal to common_name and a strong key
  // (key_strength.h); only its key is used: subject, extensions and validity
  // are the CA's own. private_key_pem of the result is empty. Throws
  // std::invalid_argument saying which check failed.
  IssuedCertificate sign_client_request(std::string_view certificate_request_pem,
                                        std::string_view common_name,
                                        std::chrono::days validity) const;
  // TLS server certificate; subject_alt_names are IP addresses or DNS names.
  IssuedCertificate issue_server(std::string_view common_name,
                                 const std::vector<std::string>& subject_alt_names,
                                 std::chrono::days validity) const;

  // Lower-case hex SHA-256 of the DER form of a PEM certificate; throws
  // std::invalid_argument if it is not a certificate.
  static std::string fingerprint_of_pem(std::string_view certificate_pem);
  // When a PEM certificate stops being valid (notAfter); throws
  // std::invalid_argument if it is not a certificate.
  static std::chrono::system_clock::time_point not_after_of_pem(std::string_view certificate_pem);

 private:
  struct Impl;
  explicit CertificateAuthority(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgehub::hub

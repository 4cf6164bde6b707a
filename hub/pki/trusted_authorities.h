// The certificate authorities an operator trusts to vouch for devices
// ("bring your own CA"), besides the hub's own CA.
//
// Kept as a directory the broker reads as its `capath`: one PEM file per CA,
// named <subject hash>.<n> as OpenSSL looks them up. OpenSSL reads that
// directory when it meets an issuer it does not know yet, so a CA added
// while mosquitto runs is trusted from the next handshake without a reload
// (mosquitto 2.0.11 re-reads only certfile/keyfile on SIGHUP, never cafile
// or capath). A removed CA stays in the broker's TLS cache until it
// restarts; hubd therefore refuses to remove a CA while registered device
// certificates were issued by it (the plugin pins every certificate).
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace edgehub::hub {

struct AuthorityFacts {
  std::string subject;             // one line, e.g. "CN=Acme devices, O=Acme"
  std::string certificate_sha256;  // lower-case hex SHA-256 of the DER form
  std::int64_t not_before_ms = 0;
  std::int64_t not_after_ms = 0;
  std::string certificate_pem;
};

struct DeviceCertificateFacts {
  std::string common_name;
  std::string certificate_sha256;
  std::int64_t not_before_ms = 0;
  std::int64_t not_after_ms = 0;
  std::string issuer_sha256;  // the trusted CA it chains to
};

// Facts of one certificate PEM without any check (the hub's own issued
// certificates). Throws std::invalid_argument if it is not a certificate.
DeviceCertificateFacts certificate_facts_of_pem(std::string_view certificate_pem);

class TrustedAuthorities {
 public:
  // Creates directory (mode 0700) if missing. hub_ca_pem: the hub's own CA,
  // which device certificates may chain to as well.
  TrustedAuthorities(std::filesystem::path directory, std::string hub_ca_pem);

  const std::filesystem::path& directory() const { return directory_; }

  // The operator's CAs (not the hub's), in file order. Throws
  // std::runtime_error if the directory cannot be read.
  std::vector<AuthorityFacts> list() const;

  // Stores a CA certificate. Throws std::invalid_argument unless pem is one
  // self-signed CA certificate (basicConstraints CA:TRUE) valid now; false
  // if it is trusted already. std::runtime_error on I/O failure.
  bool add(std::string_view pem, AuthorityFacts& stored);

  // Deletes the CA with this fingerprint; false if there is none.
  bool remove(std::string_view certificate_sha256);

  // A device's own certificate, checked for registration: it chains to the
  // hub's CA or one of the operator's, is valid now, is for TLS clients
  // (no CA), its subject's one CN equals common_name, its key is strong.
  // Throws std::invalid_argument naming the failed check.
  DeviceCertificateFacts check_device_certificate(std::string_view certificate_pem,
                                                  std::string_view common_name) const;

 private:
  std::filesystem::path directory_;
  std::string hub_ca_pem_;
  mutable std::mutex mutex_;
};

}  // namespace edgehub::hub

// Certificates the hub did not issue, made with the openssl CLI: what an
// attacker (or a misconfigured device) would present.
#pragma once

#include <filesystem>
#include <string>

#include "support/device_credentials.h"

namespace edgehub::itest {

// A fresh ECDSA P-256 key and a certificate with CN=device_id signed by the
// given CA (for example the hub's own, <data-dir>/pki/ca.pem + ca.key) that the
// hub never registered. Writes <out_dir>/<device_id>.pem and .key; the
// returned ca is `server_ca` (what the client verifies the hub with).
DeviceCredentials sign_unregistered_certificate(const std::filesystem::path& signing_ca_certificate,
                                                const std::filesystem::path& signing_ca_key,
                                                const std::string& device_id,
                                                const std::filesystem::path& out_dir,
                                                const std::filesystem::path& server_ca);

// As sign_unregistered_certificate, valid from not_before to not_after
// ("YYYYMMDDHHMMSSZ", UTC; in the past or the future), signed with `openssl
// ca` (openssl x509 -req cannot set a start date). Files go into out_dir.
DeviceCredentials sign_certificate_valid_between(
    const std::filesystem::path& signing_ca_certificate,
    const std::filesystem::path& signing_ca_key, const std::string& device_id,
    const std::filesystem::path& out_dir, const std::filesystem::path& server_ca,
    const std::string& not_before, const std::string& not_after);

// A certificate with CN=device_id from a different CA (certs/make-test-ca.sh).
DeviceCredentials certificate_from_another_ca(const std::string& device_id,
                                              const std::filesystem::path& out_dir,
                                              const std::filesystem::path& server_ca);

}  // namespace edgehub::itest

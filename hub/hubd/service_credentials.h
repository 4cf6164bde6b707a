// The certificates hubd needs before the broker starts: the broker's server
// certificate and hubd's own client identity ("hubd", role service),
// registered so that the broker plugin lets hubd in.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "hubd/data_directory.h"
#include "pki/certificate_authority.h"
#include "registry/device_registry.h"

namespace edgehub::hub {

// 127.0.0.1, ::1, localhost, each bind address that names one address (not
// a wildcard), and the server names devices use, each once.
std::vector<std::string> server_subject_alt_names(const std::vector<std::string>& bind_addresses,
                                                  const std::vector<std::string>& server_names);

// How long the hub's own certificates last, and how long before they expire
// they are issued anew (hubd checks at start and every hour).
struct CertificatePolicy {
  std::chrono::days server_validity{825};
  std::chrono::days service_validity{825};
  std::chrono::days renew_before{90};
};

// true if a certificate valid until not_after is to be renewed now.
bool due_for_renewal(std::chrono::system_clock::time_point not_after,
                     std::chrono::system_clock::time_point now, std::chrono::days renew_before);

// Issues pki/server.pem + server.key if missing, issued for other names, or
// due for renewal. true if it issued one (the broker must load it).
bool ensure_server_certificate(
    const CertificateAuthority& authority, const DataDirectory& layout,
    const std::vector<std::string>& subject_alt_names, const CertificatePolicy& policy = {},
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// Issues pki/hubd.pem + hubd.key if missing or due for renewal, and makes the
// registry hold "hubd" as an enabled service with that certificate's
// fingerprint (a new fingerprint revokes the old certificate: hubd's
// connection is closed by the broker and Paho reconnects with the new one).
// true if it issued one. Throws std::runtime_error.
bool ensure_service_identity(
    const CertificateAuthority& authority, DeviceRegistry& registry, const DataDirectory& layout,
    const CertificatePolicy& policy = {},
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace edgehub::hub

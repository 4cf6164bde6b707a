// The certificates hubd needs before the broker starts: the broker's server
// certificate and hubd's own client identity ("hubd", role service),
// registered so that the broker plugin lets hubd in.
#pragma once

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

// Issues pki/server.pem + server.key if missing or issued for other names.
void ensure_server_certificate(const CertificateAuthority& authority, const DataDirectory& layout,
                               const std::vector<std::string>& subject_alt_names);

// Issues pki/hubd.pem + hubd.key if missing, and makes the registry hold
// "hubd" as an enabled service with that certificate's fingerprint.
// Throws std::runtime_error.
void ensure_service_identity(const CertificateAuthority& authority, DeviceRegistry& registry,
                             const DataDirectory& layout);

}  // namespace edgehub::hub

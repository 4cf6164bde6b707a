// --register: devices without local credentials are registered through the
// hub's REST API (POST /api/v1/devices, docs/protocol.md section 6) and their
// certificate, key (mode 0600) and the hub's CA are written to the cert dir.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace edgehub::sim {

struct RegistrationSettings {
  std::string hub_url;  // https://host:port, or http:// for a hub with --http-plain
  std::string token;
  std::filesystem::path cert_dir;
  // For https: the CA the hub's certificate must come from (its host name is
  // checked too); empty: the system's CAs.
  std::filesystem::path ca_file;
};

// The hub's CA in its data directory (<data_dir>/pki/ca.pem) when the file
// is there, else empty.
std::filesystem::path hub_ca_in(const std::string& data_dir);

// The CA the hub's HTTPS API is checked against when registering, first
// found: --ca (the hub's CA signs the broker's and the API's certificate
// alike), <data-dir>/pki/ca.pem, $HUBCTL_CA (as hubctl); empty: the
// system's CAs.
std::filesystem::path registration_ca(const std::string& ca_option, const std::string& data_dir);

// The token given with --token, or the content of <data-dir>/api-token.
// Throws std::runtime_error if neither can be had.
std::string resolve_api_token(const std::string& token, const std::string& data_dir);

// Paths of a device's credentials in the cert dir.
std::filesystem::path certificate_path(const std::filesystem::path& dir, const std::string& id);
std::filesystem::path private_key_path(const std::filesystem::path& dir, const std::string& id);

// Registers each id whose <id>.pem is missing; returns how many were
// registered. Throws std::runtime_error with a clear message on the first
// failure (409: registered at the hub but the local certificate is missing).
std::size_t register_missing_devices(const RegistrationSettings& settings,
                                     const std::vector<std::string>& ids);

}  // namespace edgehub::sim

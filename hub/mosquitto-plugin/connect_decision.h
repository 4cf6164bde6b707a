// Who may connect: the CONNECT-time decision of the plugin, without mosquitto.
//
// A client is admitted only if its certificate's CN is a registered, enabled
// identity, the certificate is one the registry accepts for it (SHA-256 of
// the DER form; more than one during a rotation, none the operator ended),
// the certificate is inside its validity period, and its MQTT client id
// equals the CN (so that no one can take over another identity's session).
// Pinning the fingerprint means that a second certificate with the same CN
// from a trusted CA is not enough.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"
#include "mosquitto-plugin/client_certificate.h"
#include "mosquitto-plugin/registered_identity.h"
#include "mosquitto-plugin/registry_reader.h"

namespace edgehub::hub::mosquitto_auth {

struct ConnectDecision {
  bool admitted = false;
  std::string identity;                  // the CN when admitted (the broker username)
  DeviceRole role = DeviceRole::device;  // meaningful when admitted
  std::string reason;                    // why, for the broker log
  // Refused for a certificate outside its validity period (reported to
  // hubd as a "certificate_validity" limit hit: a lifecycle record).
  bool outside_validity = false;
};

// The decision once the registry has answered for certificate.common_name
// (nullopt: not registered). now_ms: wall clock, ms since the epoch.
ConnectDecision decide_connect(const PresentedCertificate& certificate, std::string_view client_id,
                               const std::optional<RegisteredIdentity>& registered,
                               std::int64_t now_ms);

// The whole CONNECT check: certificate is what read_presented_certificate
// returned, or nullopt when the client sent none. Asks the registry only for
// a well-formed identity whose client id matches; a registry failure refuses.
ConnectDecision authenticate(const std::optional<Result<PresentedCertificate>>& certificate,
                             std::string_view client_id, RegistryReader& registry,
                             std::int64_t now_ms);

// Check of a session that has no TLS connection: one admitted earlier and
// now offline (mosquitto re-authenticates every session, offline persistent
// ones too, when it reloads its configuration on SIGHUP), or one restored
// from mosquitto's persistence file after a broker restart (queued messages
// for it are checked before its client reconnects). Its certificate was
// checked when it connected and any change to it since is a revocation, so
// the registry entry is what is checked: a valid id, still registered,
// enabled, and, if the plugin knows the role it was admitted with, the same.
ConnectDecision recheck_offline_session(std::string_view identity,
                                        std::optional<DeviceRole> admitted_role,
                                        RegistryReader& registry);

}  // namespace edgehub::hub::mosquitto_auth

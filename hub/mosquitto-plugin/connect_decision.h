// Who may connect: the CONNECT-time decision of the plugin, without mosquitto.
//
// A client is admitted only if its certificate's CN is a registered, enabled
// identity, the certificate is exactly the registered one (SHA-256 of the
// DER form), and its MQTT client id equals the CN (so that no one can take
// over another identity's session).
#pragma once

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
};

// The decision once the registry has answered for certificate.common_name
// (nullopt: not registered).
ConnectDecision decide_connect(const PresentedCertificate& certificate, std::string_view client_id,
                               const std::optional<RegisteredIdentity>& registered);

// The whole CONNECT check: certificate is what read_presented_certificate
// returned, or nullopt when the client sent none. Asks the registry only for
// a well-formed identity whose client id matches; a registry failure refuses.
ConnectDecision authenticate(const std::optional<Result<PresentedCertificate>>& certificate,
                             std::string_view client_id, RegistryReader& registry);

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

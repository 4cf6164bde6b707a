// The identities the plugin has admitted, with their role: what every ACL
// check reads (no SQLite on that path).
//
// Keyed by identity (= certificate CN = MQTT client id = broker username,
// all equal for an admitted client), and each entry remembers which broker
// connection it was admitted on, because one identity can have two broker
// contexts for a moment:
// - session takeover: the new connection is admitted, then the broker
//   disconnects the old one; that disconnect must not erase the new entry;
// - persistent sessions (clean session false, hubd and devices alike): after
//   a disconnect the broker keeps the session and still asks the ACL whether
//   messages may be queued for it; forgetting the role at disconnect would
//   drop every command (or, for hubd, every telemetry message) sent while
//   the client is briefly offline.
// A connection's entry is therefore forgotten only when its session ends
// with the disconnect, when another connection of the same identity is
// admitted, or when the identity is revoked.
// After a broker restart, sessions restored from mosquitto's persistence
// file have no entry until their client reconnects; the plugin admits them
// on their first ACL check from the registry (see recheck_offline_session).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "registry/device_registry.h"

namespace edgehub::hub::mosquitto_auth {

// The broker's context of one connection, compared and never dereferenced.
using ConnectionHandle = const void*;

class AdmittedClients {
 public:
  // Replaces any entry of identity (an older connection being taken over).
  void admit(std::string_view identity, DeviceRole role, ConnectionHandle connection);

  // A session the plugin found no longer admissible without the client
  // connecting (a restored session of a removed device): remembered so that
  // the registry is not asked again for every message queued for it.
  void refuse(std::string_view identity, ConnectionHandle connection);

  // The role if identity was admitted on exactly this connection.
  std::optional<DeviceRole> role_of(std::string_view identity, ConnectionHandle connection) const;

  // True if identity has an entry, admitted or refused, on any connection.
  bool knows(std::string_view identity) const;

  // The connection went away; session_ends is false when the broker keeps
  // its session (clean session false) and may still queue messages for it.
  void disconnected(std::string_view identity, ConnectionHandle connection, bool session_ends);

  // The identity lost its right to connect: forget it whatever the connection.
  // True if it was known.
  bool revoke(std::string_view identity);

  std::size_t size() const noexcept { return entries_.size(); }

 private:
  struct Entry {
    std::optional<DeviceRole> role;  // nullopt: refused
    ConnectionHandle connection;
  };

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };

  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> entries_;
};

}  // namespace edgehub::hub::mosquitto_auth

#include "mosquitto-plugin/admitted_clients.h"

namespace edgehub::hub::mosquitto_auth {

void AdmittedClients::admit(std::string_view identity, DeviceRole role,
                            ConnectionHandle connection) {
  entries_.insert_or_assign(std::string(identity), Entry{role, connection});
}

void AdmittedClients::refuse(std::string_view identity, ConnectionHandle connection) {
  entries_.insert_or_assign(std::string(identity), Entry{std::nullopt, connection});
}

bool AdmittedClients::knows(std::string_view identity) const {
  return entries_.find(identity) != entries_.end();
}

std::optional<DeviceRole> AdmittedClients::role_of(std::string_view identity,
                                                   ConnectionHandle connection) const {
  const auto found = entries_.find(identity);
  if (found == entries_.end() || found->second.connection != connection) return std::nullopt;
  return found->second.role;
}

void AdmittedClients::disconnected(std::string_view identity, ConnectionHandle connection,
                                   bool session_ends) {
  if (!session_ends) return;
  const auto found = entries_.find(identity);
  if (found != entries_.end() && found->second.connection == connection) entries_.erase(found);
}

bool AdmittedClients::revoke(std::string_view identity) {
  const auto found = entries_.find(identity);
  if (found == entries_.end()) return false;
  entries_.erase(found);
  return true;
}

}  // namespace edgehub::hub::mosquitto_auth

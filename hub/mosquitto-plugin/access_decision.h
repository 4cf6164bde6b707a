// What an admitted client may do with a topic: the ACL decision of the
// plugin, without mosquitto. Services (hubd) may do anything; devices are
// confined to their own topics (edgehub/protocol/topics.h); anyone the
// plugin did not admit may do nothing.
#pragma once

#include <optional>
#include <string_view>

#include "registry/device_registry.h"

namespace edgehub::hub::mosquitto_auth {

enum class TopicAccess {
  publish,      // MOSQ_ACL_WRITE: a message from the client
  subscribe,    // MOSQ_ACL_SUBSCRIBE: a filter the client subscribes to
  receive,      // MOSQ_ACL_READ: a message about to be delivered to the client
  unsubscribe,  // MOSQ_ACL_UNSUBSCRIBE
};

const char* to_string(TopicAccess access) noexcept;

// role: the role the plugin admitted identity with, nullopt if it did not.
bool may_access(std::optional<DeviceRole> role, std::string_view identity, TopicAccess access,
                std::string_view topic) noexcept;

}  // namespace edgehub::hub::mosquitto_auth

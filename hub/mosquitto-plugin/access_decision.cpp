#include "mosquitto-plugin/access_decision.h"

#include "edgehub/protocol/topics.h"

namespace edgehub::hub::mosquitto_auth {

const char* to_string(TopicAccess access) noexcept {
  switch (access) {
    case TopicAccess::publish:
      return "publish";
    case TopicAccess::subscribe:
      return "subscribe";
    case TopicAccess::receive:
      return "receive";
    case TopicAccess::unsubscribe:
      return "unsubscribe";
  }
  return "unknown access";
}

bool may_access(std::optional<DeviceRole> role, std::string_view identity, TopicAccess access,
                std::string_view topic) noexcept {
  if (!role) return false;
  if (*role == DeviceRole::service) return true;
  switch (access) {
    case TopicAccess::publish:
      return protocol::device_may_publish(identity, topic);
    case TopicAccess::subscribe:
      return protocol::device_may_subscribe(identity, topic);
    case TopicAccess::receive:
      return protocol::device_may_receive(identity, topic);
    case TopicAccess::unsubscribe:
      // Dropping a subscription never grants anything.
      return true;
  }
  return false;
}

}  // namespace edgehub::hub::mosquitto_auth

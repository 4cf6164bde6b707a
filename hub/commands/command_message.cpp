#include "commands/command_message.h"

#include <array>

#include "edgehub/protocol/payloads.h"
#include "edgehub/protocol/topics.h"

namespace edgehub::hub {

std::string command_topic(std::string_view device_id) {
  std::array<char, protocol::kMaxTopicLength> buffer{};
  const std::size_t length = protocol::build_device_topic(protocol::TopicKind::commands, device_id,
                                                          buffer.data(), buffer.size());
  return std::string(buffer.data(), length);
}

std::string command_message(const CommandRecord& command, std::int64_t deadline_ms) {
  protocol::CommandRequest request;
  request.id = command.id;
  request.name = command.name;
  request.payload_json = command.payload_json;
  request.timeout_ms = command.timeout_ms;
  request.deadline_ms = deadline_ms;
  return protocol::build_command(request);
}

}  // namespace edgehub::hub

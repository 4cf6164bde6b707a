#include "edgehub/protocol/topics.h"

namespace edgehub::protocol {
namespace {

constexpr std::string_view kPrefix = "devices/";

bool is_id_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// string_view::substr can throw std::out_of_range: the SDK core links this
// file without exceptions, so views are cut from data() and a length instead.
std::string_view slice(std::string_view text, std::size_t from, std::size_t length) noexcept {
  if (from > text.size()) return {};
  if (length > text.size() - from) length = text.size() - from;
  return std::string_view(text.data() + from, length);
}

bool is_own_topic(std::string_view device_id, std::string_view topic, TopicKind kind) noexcept {
  ParsedTopic parsed{};
  return parse_device_topic(topic, parsed) && parsed.kind == kind && parsed.device_id == device_id;
}

}  // namespace

bool is_valid_device_id(std::string_view device_id) noexcept {
  if (device_id.empty() || device_id.size() > kMaxDeviceIdLength) return false;
  if (device_id.front() == '.' || device_id.front() == '-') return false;
  for (char c : device_id) {
    if (!is_id_char(c)) return false;
  }
  return true;
}

std::string_view topic_leaf(TopicKind kind) noexcept {
  switch (kind) {
    case TopicKind::telemetry:
      return "telemetry";
    case TopicKind::commands:
      return "commands";
    case TopicKind::responses:
      return "responses";
    case TopicKind::flow:
      return "flow";
    case TopicKind::desired:
      return "desired";
    case TopicKind::reported:
      return "reported";
  }
  return {};
}

std::size_t build_device_topic(TopicKind kind, std::string_view device_id, char* buffer,
                               std::size_t capacity) noexcept {
  if (!is_valid_device_id(device_id) || buffer == nullptr) return 0;
  const std::string_view leaf = topic_leaf(kind);
  const std::size_t length = kPrefix.size() + device_id.size() + 1 + leaf.size();
  if (length > capacity) return 0;
  std::size_t at = 0;
  for (char c : kPrefix) buffer[at++] = c;
  for (char c : device_id) buffer[at++] = c;
  buffer[at++] = '/';
  for (char c : leaf) buffer[at++] = c;
  return at;
}

bool parse_device_topic(std::string_view topic, ParsedTopic& out) noexcept {
  if (slice(topic, 0, kPrefix.size()) != kPrefix) return false;
  const std::string_view rest = slice(topic, kPrefix.size(), topic.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return false;
  const std::string_view device_id = slice(rest, 0, slash);
  const std::string_view leaf = slice(rest, slash + 1, rest.size());
  if (!is_valid_device_id(device_id)) return false;
  for (TopicKind kind :
       {TopicKind::telemetry, TopicKind::commands, TopicKind::responses, TopicKind::flow,
        TopicKind::desired, TopicKind::reported}) {
    if (leaf == topic_leaf(kind)) {
      out.kind = kind;
      out.device_id = device_id;
      return true;
    }
  }
  return false;
}

bool device_may_publish(std::string_view device_id, std::string_view topic) noexcept {
  return is_own_topic(device_id, topic, TopicKind::telemetry) ||
         is_own_topic(device_id, topic, TopicKind::responses) ||
         is_own_topic(device_id, topic, TopicKind::reported);
}

bool device_may_subscribe(std::string_view device_id, std::string_view filter) noexcept {
  // A filter without wildcards that names the device's own command or flow topic.
  return is_own_topic(device_id, filter, TopicKind::commands) ||
         is_own_topic(device_id, filter, TopicKind::flow) ||
         is_own_topic(device_id, filter, TopicKind::desired);
}

bool device_may_receive(std::string_view device_id, std::string_view topic) noexcept {
  return is_own_topic(device_id, topic, TopicKind::commands) ||
         is_own_topic(device_id, topic, TopicKind::flow) ||
         is_own_topic(device_id, topic, TopicKind::desired);
}

}  // namespace edgehub::protocol

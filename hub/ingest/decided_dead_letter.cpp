#include "ingest/decided_dead_letter.h"

namespace edgehub::hub {

std::string decided_dead_letter_topic(std::string_view device_id, std::string_view topic,
                                      std::string_view reason) {
  std::string journal_topic;
  journal_topic.reserve(3 + device_id.size() + topic.size() + reason.size());
  journal_topic += '\0';
  journal_topic += device_id;
  journal_topic += '\0';
  journal_topic += topic;
  journal_topic += '\0';
  journal_topic += reason;
  return journal_topic;
}

std::optional<DecidedDeadLetter> parse_decided_dead_letter_topic(std::string_view journal_topic) {
  if (journal_topic.empty() || journal_topic.front() != '\0') return std::nullopt;
  const std::string_view rest = journal_topic.substr(1);
  const std::size_t device_end = rest.find('\0');
  if (device_end == std::string_view::npos) return std::nullopt;
  const std::size_t topic_end = rest.find('\0', device_end + 1);
  if (topic_end == std::string_view::npos) return std::nullopt;
  return DecidedDeadLetter{rest.substr(0, device_end),
                           rest.substr(device_end + 1, topic_end - device_end - 1),
                           rest.substr(topic_end + 1)};
}

}  // namespace edgehub::hub

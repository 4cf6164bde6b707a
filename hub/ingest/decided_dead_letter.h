// A dead letter decided outside ingest (a command response or twin report the
// hub refuses) travels through the ingest journal like a message: it is then
// stored in the group commit's transaction, instead of in a transaction of
// its own on the thread that receives every device's messages (one device's
// flood of unknown responses held up everyone's telemetry by seconds).
//
// Its journal topic carries device, original topic and reason, separated by
// U+0000: MQTT topics cannot contain it, so such a journal topic is never a
// message's. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace edgehub::hub {

struct DecidedDeadLetter {
  std::string_view device_id;
  std::string_view topic;
  std::string_view reason;
};

std::string decided_dead_letter_topic(std::string_view device_id, std::string_view topic,
                                      std::string_view reason);
// nullopt for a message's topic.
std::optional<DecidedDeadLetter> parse_decided_dead_letter_topic(std::string_view journal_topic);

}  // namespace edgehub::hub

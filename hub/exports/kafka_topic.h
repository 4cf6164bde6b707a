// Kafka topic names for exported records: a topic name may only hold
// [a-zA-Z0-9._-] and at most 249 characters, so the template's values are
// escaped to that alphabet.
#pragma once

#include <string>
#include <string_view>

#include "edgehub/common/result.h"
#include "exports/export_destination.h"

namespace edgehub::hub {

inline constexpr std::string_view kDefaultKafkaTopicTemplate = "{stream}";

// '_' becomes "__" and every byte outside [a-zA-Z0-9.-] "_XX" (upper-case
// hex), so distinct values stay distinct topics; an empty value becomes "_".
std::string escape_kafka_topic_value(std::string_view value);

// Not empty, not "." or "..", at most 249 characters of [a-zA-Z0-9._-].
Status validate_kafka_topic(std::string_view topic);

std::string kafka_topic_for(std::string_view topic_template, const ExportRecord& record);

// The template language (validate_export_template) and the topic it renders.
Status validate_kafka_topic_template(std::string_view topic_template);

}  // namespace edgehub::hub

#include "exports/kafka_topic.h"

#include "exports/export_template.h"

namespace edgehub::hub {
namespace {

bool legal_topic_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

std::string escape_kafka_topic_value(std::string_view value) {
  if (value.empty()) return "_";
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string escaped;
  escaped.reserve(value.size());
  for (const char c : value) {
    if (c == '_') {
      escaped += "__";
    } else if (legal_topic_character(c)) {
      escaped += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      escaped += '_';
      escaped += kHex[byte >> 4];
      escaped += kHex[byte & 0x0f];
    }
  }
  return escaped;
}

Status validate_kafka_topic(std::string_view topic) {
  const auto refuse = [&](std::string_view why) -> Status {
    return make_error(ErrorCode::invalid_argument,
                      "Kafka topic \"" + std::string(topic) + "\" " + std::string(why));
  };
  if (topic.empty()) return refuse("is empty");
  if (topic == "." || topic == "..") return refuse("may not be \".\" or \"..\"");
  if (topic.size() > 249) return refuse("is longer than 249 characters");
  for (const char c : topic) {
    if (!legal_topic_character(c)) return refuse("may only contain a-z A-Z 0-9 . _ -");
  }
  return ok_status();
}

std::string kafka_topic_for(std::string_view topic_template, const ExportRecord& record) {
  return render_export_template(topic_template, record, escape_kafka_topic_value);
}

Status validate_kafka_topic_template(std::string_view topic_template) {
  if (Status valid = validate_export_template(topic_template); !valid) return valid;
  return validate_kafka_topic(kafka_topic_for(topic_template, export_template_sample()));
}

}  // namespace edgehub::hub

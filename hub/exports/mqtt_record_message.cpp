#include "exports/mqtt_record_message.h"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "exports/export_identity_headers.h"
#include "exports/export_template.h"

namespace edgehub::hub {
namespace {

std::string base64(std::string_view bytes) {
  std::string encoded(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  encoded.resize(static_cast<std::size_t>(written));
  return encoded;
}

std::string envelope_of(const ExportRecord& record) {
  nlohmann::json json = {
      {"site", record.site_id},
      {"stream", record.stream},
      {"offset", record.offset},
      {"device", record.device_id},
      {"seq", record.seq ? nlohmann::json(*record.seq) : nlohmann::json(nullptr)},
      {"topic", record.topic},
      {"received_at_ms", record.received_at_ms}};
  nlohmann::json payload = nlohmann::json::parse(record.payload, nullptr, false);
  if (payload.is_discarded()) {
    json["payload_base64"] = base64(record.payload);
  } else {
    json["payload"] = std::move(payload);
  }
  // Invalid UTF-8 inside a string the parser accepted is replaced, not thrown.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string mqtt_topic_level(std::string_view value) {
  std::string level(value);
  for (char& c : level) {
    if (c == '/' || c == '+' || c == '#' || c == '\0') c = '_';
  }
  return level;
}

MqttRecordMessage mqtt_record_message(const ExportRecord& record, const std::string& topic_template,
                                      bool envelope) {
  MqttRecordMessage message;
  message.topic = render_export_template(topic_template, record, mqtt_topic_level);
  message.payload = envelope ? envelope_of(record) : record.payload;
  // The same names as the NATS and Kafka headers: a consumer reads one set
  // whatever carried the message (docs/protocol.md, section 7).
  message.user_properties = export_identity_headers(record);
  return message;
}

}  // namespace edgehub::hub

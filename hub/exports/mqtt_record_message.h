// What one exported record becomes on an upstream MQTT broker: its topic
// (the export's template, each value made a single topic level), its
// payload, and its identity. Pure.
//
// The identity (site, stream, offset, device, seq, received_at_ms, the
// topic it arrived on) travels two ways:
//  - as MQTT v5 user properties, whenever the connection is MQTT 5;
//  - with envelope on (the default), inside the payload, so that a 3.1.1
//    consumer sees it too: {"site", "stream", "offset", "device", "seq",
//    "topic", "received_at_ms", "payload": <the record's JSON>} (or
//    "payload_base64" when the record is not JSON, e.g. a dead letter).
// With envelope off the payload is the record's bytes as stored.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "exports/export_destination.h"

namespace edgehub::hub {

struct MqttRecordMessage {
  std::string topic;
  std::string payload;
  std::vector<std::pair<std::string, std::string>> user_properties;
};

// A value as one topic level: '/', '+', '#' and NUL become '_'.
std::string mqtt_topic_level(std::string_view value);

MqttRecordMessage mqtt_record_message(const ExportRecord& record, const std::string& topic_template,
                                      bool envelope);

}  // namespace edgehub::hub

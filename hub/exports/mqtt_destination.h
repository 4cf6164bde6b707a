// The "mqtt" export destination: an upstream MQTT broker (a central
// mosquitto, a cloud IoT endpoint) over TLS with a client certificate, QoS 1;
// a record counts as sent once its PUBACK arrived (Paho; no Paho type here).
// Options: mqtt_destination_settings.h; message shape: mqtt_record_message.h.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "edgehub/common/result.h"
#include "exports/export_destination.h"

namespace edgehub::hub {

// Checks the options (invalid_argument); connects at the first send.
Result<std::unique_ptr<ExportDestination>> make_mqtt_destination(const nlohmann::json& options,
                                                                 const std::string& export_name,
                                                                 const std::string& site_id);

}  // namespace edgehub::hub

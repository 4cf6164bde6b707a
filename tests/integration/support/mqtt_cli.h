// Talking MQTT the way any third-party device would: with mosquitto_pub and
// mosquitto_sub, a client certificate, and nothing of this project's code.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/command.h"
#include "support/device_credentials.h"
#include "support/process.h"

namespace edgehub::itest {

struct MqttConnection {
  int port = 0;
  DeviceCredentials credentials;
  std::optional<std::string> client_id;  // defaults to credentials.id
  std::string protocol = "mqttv311";     // or "mqttv5"
  // More mosquitto_pub/_sub options, e.g. {"-r"} (retain) or {"--repeat", "500"}.
  std::vector<std::string> extra_arguments;
};

// mosquitto_pub -d ... -q 1 -t topic -m payload; -d puts the CONNACK/PUBACK
// exchange into the output, so a failure message shows what the broker said.
CommandResult mqtt_publish(const MqttConnection& connection, const std::string& topic,
                           const std::string& payload,
                           std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Same, with the payload read from a file (-f), for large or binary payloads.
CommandResult mqtt_publish_file(const MqttConnection& connection, const std::string& topic,
                                const std::filesystem::path& payload_file,
                                std::chrono::milliseconds timeout = std::chrono::seconds(20));

// A running mosquitto_sub -d -v -q 1 on `filters`, its output in log_file.
Process mqtt_subscribe(const MqttConnection& connection, const std::vector<std::string>& filters,
                       const std::filesystem::path& log_file);

// The "topic payload" lines mosquitto_sub -v printed for messages on `topic`.
std::vector<std::string> received_on(const std::filesystem::path& subscriber_log,
                                     const std::string& topic);

// The SUBACK granted QoS values mosquitto_sub -d reported ("Subscribed (mid: 1): 1, 128").
std::optional<std::vector<int>> suback_codes(const std::filesystem::path& subscriber_log);

// A telemetry envelope (docs/protocol.md section 3).
std::string telemetry_payload(unsigned long long seq, const std::string& data_json);

}  // namespace edgehub::itest

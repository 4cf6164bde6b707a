// The options of an "mqtt" export destination (an upstream broker), checked
// when the export is added. Pure.
//
//   {"url": "mqtts://broker.example.net:8883",  // mqtt:// only to a loopback host (tests)
//    "ca_file": "/etc/edgehub/upstream-ca.pem",  // trust for the upstream's certificate
//    "cert_file": "...", "key_file": "...",       // the hub's client certificate (optional,
//    together) "client_id": "hub-7-up",                      // default "edgehub-<site>-<export>"
//    "topic": "edge/{site}/{stream}/{device}",    // default; export_template.h placeholders
//    "envelope": true,                             // payload wrapped with its identity (default)
//    "protocol": "auto",                           // "auto" | "5" | "3.1.1"
//    "ack_timeout_ms": 10000}                      // PUBACK wait per batch
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "edgehub/common/result.h"

namespace edgehub::hub {

enum class MqttProtocol { automatic, v5, v311 };

struct MqttDestinationSettings {
  std::string host;
  std::uint16_t port = 8883;
  bool tls = true;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  std::string client_id;
  std::string topic_template = "edgehub/{site}/{stream}/{device}";
  bool envelope = true;
  MqttProtocol protocol = MqttProtocol::automatic;
  std::chrono::milliseconds ack_timeout{10000};

  // "tcp://host:port" or "ssl://host:port", as Paho wants it.
  std::string server_uri() const;
};

// invalid_argument naming the option. export_name and site_id make the
// default client id.
Result<MqttDestinationSettings> parse_mqtt_destination_settings(const nlohmann::json& options,
                                                                const std::string& export_name,
                                                                const std::string& site_id);

}  // namespace edgehub::hub

// A device written from docs/protocol.md alone: Paho MQTT C++ with raw topics
// and JSON text, over TLS with a client certificate, MQTT 3.1.1 or MQTT 5.
// Nothing of the device SDK: the protocol conformance test drives the hub
// with it, so that the document and the hub cannot drift apart unseen.
// Messages are consumed on the test's thread (Paho's consumer queue): a test
// reads them in order with next_message() and decides what to answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "support/device_credentials.h"

namespace mqtt {
class async_client;
class connect_options;
class message;
}  // namespace mqtt

namespace edgehub::itest {

enum class MqttVersion { v311, v5 };

struct RawDeviceOptions {
  int port = 0;
  DeviceCredentials credentials;
  std::optional<std::string> client_id;  // defaults to credentials.id
  MqttVersion version = MqttVersion::v311;
  bool present_certificate = true;  // false: no client certificate in the TLS handshake
  // 3.1.1: clean_session=false. 5: Clean Start 0, with session_expiry_s as
  // the Session Expiry Interval (0, MQTT 5's default, ends the session with
  // the connection all the same).
  bool persistent_session = false;
  std::uint32_t session_expiry_s = 0;
};

struct ConnectOutcome {
  bool connected = false;
  bool session_present = false;  // CONNACK's flag
  // Refused: the CONNACK return code (3.1.1) or reason code (5); Paho's own
  // negative code when no CONNACK came (TLS handshake failed).
  int code = 0;
  std::string error;
};

class RawMqttDevice {
 public:
  explicit RawMqttDevice(RawDeviceOptions options);
  ~RawMqttDevice();  // disconnects
  RawMqttDevice(const RawMqttDevice&) = delete;
  RawMqttDevice& operator=(const RawMqttDevice&) = delete;

  ConnectOutcome connect();
  // The SUBACK's code for the filter: the granted QoS (0-2), or 0x80 and
  // above when refused.
  int subscribe(const std::string& filter);
  // QoS 1; true once the PUBACK arrived (3.1.1 gets one even for a publish
  // the broker dropped; 5 gets a failure reason then).
  bool publish(const std::string& topic, const std::string& payload);
  // The next message on `topic` (messages on other topics are kept for
  // later calls), or nothing after `timeout`.
  std::optional<std::string> next_message(const std::string& topic,
                                          std::chrono::milliseconds timeout);
  void disconnect();
  bool is_connected() const;

 private:
  RawDeviceOptions options_;
  std::unique_ptr<mqtt::async_client> client_;
  std::unique_ptr<mqtt::connect_options> connect_options_;
  std::deque<std::shared_ptr<const mqtt::message>> unread_;
};

}  // namespace edgehub::itest

// BrokerConnection over Paho MQTT C++ (mqtt::async_client), TLS with a client
// certificate, persistent session, automatic reconnect.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "mqtt/broker_connection.h"

namespace edgehub::hub {

struct PahoConnectionSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8883;
  std::string client_id = "hubd";  // = the CN of certificate_file

  std::filesystem::path ca_file;  // trust store: the hub's CA
  std::filesystem::path certificate_file;
  std::filesystem::path key_file;

  // Subscribed at QoS subscription_qos after every (re)connect.
  std::vector<std::string> subscriptions;
  int subscription_qos = 1;
  // Unsubscribed after every (re)connect, before subscribing: filters a
  // persistent session of an earlier version may still hold.
  std::vector<std::string> unsubscriptions;

  std::chrono::seconds keep_alive{30};
  // Outgoing QoS 1 messages (commands) in flight at once.
  int max_inflight = 1000;
  std::chrono::seconds min_reconnect_delay{1};
  std::chrono::seconds max_reconnect_delay{5};
  std::chrono::milliseconds publish_timeout{10000};
};

// Throws std::runtime_error if the client cannot be created (bad URI).
std::unique_ptr<BrokerConnection> make_paho_broker_connection(PahoConnectionSettings settings);

}  // namespace edgehub::hub

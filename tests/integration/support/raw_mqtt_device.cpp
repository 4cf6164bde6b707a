#include "support/raw_mqtt_device.h"

#include <mqtt/async_client.h>

namespace edgehub::itest {
namespace {

constexpr auto kAnswerTimeout = std::chrono::seconds(10);

int paho_version(MqttVersion version) {
  return version == MqttVersion::v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
}

// Built once, at its final address: Paho C++ 1.2.0's connect_options keeps
// a pointer to its own properties that a copy does not move along, so the
// Session Expiry Interval of a copied object would be read from freed memory.
std::unique_ptr<mqtt::connect_options> connect_options(const RawDeviceOptions& options) {
  mqtt::ssl_options_builder ssl;
  ssl.trust_store(options.credentials.ca.string()).enable_server_cert_auth(true);
  if (options.present_certificate) {
    ssl.key_store(options.credentials.certificate.string())
        .private_key(options.credentials.private_key.string());
  }
  auto connect = std::make_unique<mqtt::connect_options>();
  connect->set_mqtt_version(paho_version(options.version));
  connect->set_keep_alive_interval(std::chrono::seconds(30));
  connect->set_connect_timeout(std::chrono::seconds(10));
  connect->set_ssl(ssl.finalize());
  if (options.version == MqttVersion::v5) {
    // MQTT 5 has no clean session flag: Clean Start and the Session Expiry
    // Interval together say how long the session outlives the connection.
    connect->set_clean_session(false);
    connect->set_clean_start(!options.persistent_session);
    if (options.session_expiry_s != 0) {
      connect->set_properties(
          mqtt::properties{mqtt::property(mqtt::property::SESSION_EXPIRY_INTERVAL,
                                          static_cast<std::int32_t>(options.session_expiry_s))});
    }
  } else {
    connect->set_clean_session(!options.persistent_session);
  }
  return connect;
}

}  // namespace

RawMqttDevice::RawMqttDevice(RawDeviceOptions options) : options_(std::move(options)) {
  client_ = std::make_unique<mqtt::async_client>(
      "ssl://127.0.0.1:" + std::to_string(options_.port),
      options_.client_id.value_or(options_.credentials.id),
      mqtt::create_options(paho_version(options_.version)), nullptr);
  client_->start_consuming();
  connect_options_ = connect_options(options_);
}

RawMqttDevice::~RawMqttDevice() { disconnect(); }

ConnectOutcome RawMqttDevice::connect() {
  ConnectOutcome outcome;
  try {
    auto token = client_->connect(*connect_options_);
    if (!token->wait_for(kAnswerTimeout)) {
      outcome.error = "no CONNACK within 10 s";
      return outcome;
    }
    outcome.connected = true;
    outcome.session_present = token->get_connect_response().is_session_present();
  } catch (const mqtt::exception& refused) {
    // MQTT 5's CONNACK reason code is Paho's return code there.
    outcome.code =
        refused.get_reason_code() != 0 ? refused.get_reason_code() : refused.get_return_code();
    outcome.error = refused.what();
  }
  return outcome;
}

int RawMqttDevice::subscribe(const std::string& filter) {
  try {
    auto token = client_->subscribe(filter, 1);
    if (!token->wait_for(kAnswerTimeout)) return -1;
    const mqtt::subscribe_response answer = token->get_subscribe_response();
    const std::vector<mqtt::ReasonCode> codes = answer.get_reason_codes();
    return codes.empty() ? -1 : static_cast<int>(codes.front());
  } catch (const mqtt::exception& refused) {
    // Paho reports a refusing SUBACK as a failure, with the SUBACK's code.
    return refused.get_reason_code();
  }
}

bool RawMqttDevice::publish(const std::string& topic, const std::string& payload) {
  try {
    return client_->publish(topic, payload, 1, false)->wait_for(kAnswerTimeout);
  } catch (const mqtt::exception&) {
    return false;
  }
}

std::optional<std::string> RawMqttDevice::next_message(const std::string& topic,
                                                       std::chrono::milliseconds timeout) {
  for (auto unread = unread_.begin(); unread != unread_.end(); ++unread) {
    if ((*unread)->get_topic() == topic) {
      std::string payload = (*unread)->get_payload_str();
      unread_.erase(unread);
      return payload;
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    mqtt::const_message_ptr message;
    if (!client_->try_consume_message_until(&message, deadline)) return std::nullopt;
    if (!message) continue;  // the connection was lost: Paho queues an empty message
    if (message->get_topic() == topic) return message->get_payload_str();
    unread_.push_back(message);
  }
}

void RawMqttDevice::disconnect() {
  try {
    if (client_->is_connected()) client_->disconnect()->wait_for(kAnswerTimeout);
  } catch (const mqtt::exception&) {
    // Already gone: what a test wanted.
  }
}

bool RawMqttDevice::is_connected() const { return client_->is_connected(); }

}  // namespace edgehub::itest

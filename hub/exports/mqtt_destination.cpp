// Paho C++ 1.2 (over Paho C 1.3.12) as an export destination.
//
// A batch is published in one go (QoS 1, Paho queues what exceeds its
// in-flight window) and then the tokens are waited for in order: the count
// acknowledged is the run of PUBACKs from the first record. On any failure the
// connection is dropped, so that the runner's retry starts on a fresh
// connection and the upstream sees the records again in stream order (a
// record whose PUBACK was lost arrives twice; docs: duplicates).
//
// MQTT 5 must be chosen when the client is created (platform-facts.md); with
// protocol "auto" a failed connect alternates between 5 and 3.1.1, and the
// version that connected is kept.
#include "exports/mqtt_destination.h"

#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <vector>

#include "exports/mqtt_destination_settings.h"
#include "exports/mqtt_record_message.h"

namespace edgehub::hub {
namespace {

constexpr std::chrono::seconds kConnectTimeout{10};
constexpr int kMaxInflight = 1000;

class MqttDestination final : public ExportDestination {
 public:
  explicit MqttDestination(MqttDestinationSettings settings)
      : settings_(std::move(settings)),
        version_(settings_.protocol == MqttProtocol::v311 ? MQTTVERSION_3_1_1 : MQTTVERSION_5) {}

  ~MqttDestination() override { drop_connection(); }

  Sent send(std::span<const ExportRecord> records) override {
    if (Status connected = ensure_connected(); !connected) return {0, connected.error().message};
    std::vector<mqtt::delivery_token_ptr> tokens;
    tokens.reserve(records.size());
    std::string error;
    try {
      for (const ExportRecord& record : records) {
        const MqttRecordMessage message =
            mqtt_record_message(record, settings_.topic_template, settings_.envelope);
        mqtt::properties properties;
        if (version_ == MQTTVERSION_5) {
          for (const auto& [name, value] : message.user_properties) {
            properties.add(mqtt::property(mqtt::property::USER_PROPERTY, name, value));
          }
        }
        tokens.push_back(client_->publish(mqtt::message::create(
            message.topic, message.payload.data(), message.payload.size(), 1, false, properties)));
      }
    } catch (const mqtt::exception& failure) {
      error = std::string("publish to ") + uri() + " failed: " + failure.what();
    }
    std::size_t acknowledged = 0;
    const auto deadline = std::chrono::steady_clock::now() + settings_.ack_timeout;
    for (const auto& token : tokens) {
      try {
        if (!token->wait_until(deadline)) {
          if (error.empty()) {
            error = "no PUBACK from " + uri() + " within " +
                    std::to_string(settings_.ack_timeout.count()) + " ms";
          }
          break;
        }
        ++acknowledged;
      } catch (const mqtt::exception& failure) {
        if (error.empty()) error = "upstream " + uri() + " refused a record: " + failure.what();
        break;
      }
    }
    if (!error.empty()) drop_connection();
    return {acknowledged, error};
  }

  std::string describe() const override {
    return uri() + " topic " + settings_.topic_template +
           (settings_.envelope ? " (envelope)" : " (raw payload)");
  }

 private:
  std::string uri() const {
    return std::string(settings_.tls ? "mqtts://" : "mqtt://") + settings_.host + ":" +
           std::to_string(settings_.port);
  }

  Status ensure_connected() {
    if (client_ && client_->is_connected()) return ok_status();
    drop_connection();
    try {
      client_ = std::make_unique<mqtt::async_client>(
          settings_.server_uri(), settings_.client_id, mqtt::create_options(version_),
          static_cast<mqtt::iclient_persistence*>(nullptr));
      auto options = mqtt::connect_options_builder()
                         .mqtt_version(version_)
                         .keep_alive_interval(std::chrono::seconds(30))
                         .connect_timeout(kConnectTimeout)
                         .max_inflight(kMaxInflight);
      if (version_ == MQTTVERSION_5) {
        options.clean_start(true);
      } else {
        options.clean_session(true);
      }
      if (settings_.tls) {
        auto ssl =
            mqtt::ssl_options_builder().enable_server_cert_auth(true).verify(true).error_handler(
                [](const std::string& message) { spdlog::debug("export mqtt: TLS: {}", message); });
        if (!settings_.ca_file.empty()) ssl.trust_store(settings_.ca_file);
        if (!settings_.cert_file.empty()) {
          ssl.key_store(settings_.cert_file);
          ssl.private_key(settings_.key_file);
        }
        options.ssl(ssl.finalize());
      }
      client_->connect(options.finalize())->wait_for(kConnectTimeout + std::chrono::seconds(1));
      if (!client_->is_connected()) throw mqtt::exception(MQTTASYNC_FAILURE, "connect timed out");
      spdlog::info("export mqtt: connected to {} as '{}' (MQTT {})", uri(), settings_.client_id,
                   version_ == MQTTVERSION_5 ? "5" : "3.1.1");
      return ok_status();
    } catch (const mqtt::exception& failure) {
      client_.reset();
      const std::string tried = version_ == MQTTVERSION_5 ? "5" : "3.1.1";
      if (settings_.protocol == MqttProtocol::automatic) {
        version_ = version_ == MQTTVERSION_5 ? MQTTVERSION_3_1_1 : MQTTVERSION_5;
      }
      return make_error(ErrorCode::unavailable,
                        "cannot connect to " + uri() + " (MQTT " + tried + "): " + failure.what());
    }
  }

  void drop_connection() {
    if (!client_) return;
    try {
      if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
    } catch (const mqtt::exception& failure) {
      spdlog::debug("export mqtt: disconnect from {}: {}", uri(), failure.what());
    }
    client_.reset();
  }

  MqttDestinationSettings settings_;
  int version_;
  std::unique_ptr<mqtt::async_client> client_;
};

}  // namespace

Result<std::unique_ptr<ExportDestination>> make_mqtt_destination(const nlohmann::json& options,
                                                                 const std::string& export_name,
                                                                 const std::string& site_id) {
  auto settings = parse_mqtt_destination_settings(options, export_name, site_id);
  if (!settings) return settings.error();
  return std::unique_ptr<ExportDestination>(
      std::make_unique<MqttDestination>(std::move(settings).value()));
}

}  // namespace edgehub::hub

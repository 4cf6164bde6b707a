// Acknowledgement timing (why message_arrived does the durable work itself):
// with a callback set (not start_consuming), Paho C 1.3 handles an incoming
// QoS 1 PUBLISH in MQTTProtocol_handlePublishes as
//     Protocol_processPublication(publish, client, 1);   // -> messageArrived
//     ... MQTTPacket_send_puback(...)                    // only afterwards
// and MQTTAsync's Protocol_processPublication calls the messageArrived
// callback synchronously when the client's local message queue is empty.
// Paho C++'s on_message_arrived always returns true, so that queue stays
// empty and the PUBACK leaves only after our handler returned. The handler
// (hubd's message router) commits to SQLite before returning, so the broker
// never drops a message hubd has not stored. In consume mode the message is
// only put on a queue inside the callback and the PUBACK goes out at once:
// never use start_consuming() here.
// Checked on this machine (Paho C++ 1.2.0 / C 1.3.12, mosquitto 2.0.11): a
// subscriber (clean_session false) whose message_arrived ends the process
// without returning gets the message again, DUP set, on its next connect.
#include "mqtt/paho_broker_connection.h"

#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "mqtt/nodelay_window.h"
#include "mqtt/tcp_nodelay.h"

namespace edgehub::hub {
namespace {

// TCP_NODELAY stays set this long after the hub's last publish.
constexpr std::chrono::milliseconds kNodelayHold{100};

std::string server_uri(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return "ssl://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

class SubscriptionListener final : public mqtt::iaction_listener {
 public:
  explicit SubscriptionListener(std::function<void(bool)> done) : done_(std::move(done)) {}

  void on_success(const mqtt::token& token) override {
    bool all_granted = true;
    try {
      const mqtt::subscribe_response response = token.get_subscribe_response();
      for (auto code : response.get_reason_codes()) {
        if (static_cast<int>(code) >= 0x80) all_granted = false;
      }
    } catch (const std::exception&) {
      // No response details: the SUBACK itself was a success.
    }
    done_(all_granted);
  }
  void on_failure(const mqtt::token&) override { done_(false); }

 private:
  std::function<void(bool)> done_;
};

class PahoBrokerConnection final : public BrokerConnection, private mqtt::callback {
 public:
  explicit PahoBrokerConnection(PahoConnectionSettings settings)
      : settings_(std::move(settings)),
        uri_(server_uri(settings_.host, settings_.port)),
        // No persistence object: MQTTCLIENT_PERSISTENCE_NONE, no files in the
        // working directory. The broker keeps the session (clean_session false).
        client_(uri_, settings_.client_id, static_cast<mqtt::iclient_persistence*>(nullptr)),
        subscription_listener_([this](bool granted) { on_subscribed(granted); }),
        nodelay_(kNodelayHold, set_tcp_nodelay) {
    auto ssl = mqtt::ssl_options_builder()
                   .trust_store(settings_.ca_file.string())
                   .key_store(settings_.certificate_file.string())
                   .private_key(settings_.key_file.string())
                   .enable_server_cert_auth(true)
                   .error_handler(
                       [](const std::string& message) { spdlog::debug("mqtt: TLS: {}", message); })
                   .finalize();
    options_ =
        mqtt::connect_options_builder()
            .mqtt_version(MQTTVERSION_3_1_1)
            .clean_session(false)
            .keep_alive_interval(settings_.keep_alive)
            .connect_timeout(std::chrono::seconds(10))
            .automatic_reconnect(settings_.min_reconnect_delay, settings_.max_reconnect_delay)
            .max_inflight(settings_.max_inflight)
            .ssl(std::move(ssl))
            .finalize();
    client_.set_callback(*this);
  }

  ~PahoBrokerConnection() override { stop(); }

  void set_message_handler(MessageHandler handler) override { handler_ = std::move(handler); }

  Status start() override {
    if (!handler_) return make_error(ErrorCode::invalid_argument, "no message handler set");
    std::lock_guard lock(mutex_);
    if (connector_.joinable()) return ok_status();
    stopping_ = false;
    connector_ = std::thread([this] { connect_until_up(); });
    return ok_status();
  }

  bool wait_until_connected(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mutex_);
    return state_changed_.wait_for(lock, timeout, [&] { return ready_ || stopping_; }) && ready_;
  }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    state_changed_.notify_all();
    if (connector_.joinable()) connector_.join();
    try {
      if (client_.is_connected()) client_.disconnect()->wait_for(std::chrono::seconds(5));
    } catch (const mqtt::exception& error) {
      spdlog::warn("mqtt: disconnect: {}", error.what());
    }
    connected_ = false;
    {
      std::lock_guard lock(mutex_);
      ready_ = false;
    }
    spdlog::info("mqtt: disconnected from {}", uri_);
  }

  Status publish(std::string_view topic, std::string_view payload, int qos) override {
    if (!connected_)
      return make_error(ErrorCode::unavailable, "the hub is not connected to the broker");
    nodelay_.publishing();
    struct Published {
      NodelayWindow& window;
      ~Published() { window.published(NodelayWindow::Clock::now()); }
    } published{nodelay_};
    try {
      auto token = client_.publish(std::string(topic), payload.data(), payload.size(), qos, false);
      if (!token->wait_for(settings_.publish_timeout)) {
        return make_error(ErrorCode::unavailable,
                          "the broker did not acknowledge the message in time");
      }
      return ok_status();
    } catch (const mqtt::exception& error) {
      return make_error(ErrorCode::unavailable,
                        std::string("the broker did not accept the message: ") + error.what());
    }
  }

  // Connected and subscribed: messages flow both ways.
  bool is_connected() const override {
    std::lock_guard lock(mutex_);
    return ready_;
  }

 private:
  // Paho reconnects by itself once connected; this loop covers the first
  // connection (broker not up yet, or refusing us for a while).
  void connect_until_up() {
    auto delay = std::chrono::milliseconds(settings_.min_reconnect_delay);
    int attempt = 0;
    while (true) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_ || connected_) return;
      }
      ++attempt;
      try {
        client_.connect(options_)->wait();
        return;
      } catch (const mqtt::exception& error) {
        if (attempt == 1 || attempt % 10 == 0) {
          spdlog::warn("mqtt: cannot connect to {} as '{}' (attempt {}): {}; retrying", uri_,
                       settings_.client_id, attempt, error.what());
        }
      }
      std::unique_lock lock(mutex_);
      if (state_changed_.wait_for(lock, delay, [&] { return stopping_ || connected_.load(); })) {
        return;
      }
      delay = std::min(delay * 2, std::chrono::milliseconds(settings_.max_reconnect_delay));
    }
  }

  // mqtt::callback, on Paho's thread.
  void connected(const std::string&) override {
    connected_ = true;
    nodelay_.attach(sockets_towards(settings_.port));
    spdlog::info("mqtt: connected to {} as '{}'", uri_, settings_.client_id);
    state_changed_.notify_all();
    if (!settings_.unsubscriptions.empty()) {
      // The broker handles a client's packets in order: this takes effect
      // before the subscriptions below.
      try {
        client_.unsubscribe(mqtt::string_collection::create(settings_.unsubscriptions));
      } catch (const mqtt::exception& error) {
        spdlog::error("mqtt: cannot unsubscribe: {}", error.what());
      }
    }
    if (settings_.subscriptions.empty()) {
      on_subscribed(true);
      return;
    }
    // The broker keeps a persistent session's subscriptions, but a broker
    // that lost its state (fresh persistence) would not: subscribe every time.
    try {
      auto filters = mqtt::string_collection::create(settings_.subscriptions);
      std::vector<int> qos(settings_.subscriptions.size(), settings_.subscription_qos);
      client_.subscribe(filters, qos, nullptr, subscription_listener_);
    } catch (const mqtt::exception& error) {
      spdlog::error("mqtt: cannot subscribe: {}", error.what());
    }
  }

  void on_subscribed(bool granted) {
    if (!granted) {
      spdlog::error("mqtt: the broker refused a subscription to {}: no messages will arrive",
                    joined_subscriptions());
      return;
    }
    spdlog::info("mqtt: subscribed to {}", joined_subscriptions());
    {
      std::lock_guard lock(mutex_);
      ready_ = true;
    }
    state_changed_.notify_all();
  }

  std::string joined_subscriptions() const {
    std::string text;
    for (const auto& filter : settings_.subscriptions) text += (text.empty() ? "" : ", ") + filter;
    return text;
  }

  void connection_lost(const std::string& cause) override {
    connected_ = false;
    nodelay_.detach();
    {
      std::lock_guard lock(mutex_);
      ready_ = false;
    }
    spdlog::warn("mqtt: connection to {} lost{}{}; reconnecting", uri_, cause.empty() ? "" : ": ",
                 cause);
  }

  void message_arrived(mqtt::const_message_ptr message) override {
    if (nodelay_.nodelay())
      nodelay_.receiving(NodelayWindow::Clock::now());  // no clock read otherwise
    try {
      IncomingMessage incoming{message->get_topic(), message->get_payload_str(), message->get_qos(),
                               message->is_duplicate(), message->is_retained()};
      handler_(incoming);
    } catch (const std::exception& error) {
      // Returning would acknowledge a message nobody handled.
      spdlog::critical("mqtt: message handler failed: {}; exiting without acknowledging",
                       error.what());
      spdlog::default_logger()->flush();
      std::_Exit(70);
    } catch (...) {
      spdlog::critical("mqtt: message handler failed; exiting without acknowledging");
      spdlog::default_logger()->flush();
      std::_Exit(70);
    }
  }

  PahoConnectionSettings settings_;
  std::string uri_;
  mqtt::async_client client_;
  mqtt::connect_options options_;
  SubscriptionListener subscription_listener_;
  MessageHandler handler_;

  NodelayWindow nodelay_;
  std::atomic<bool> connected_{false};
  mutable std::mutex mutex_;
  std::condition_variable state_changed_;
  bool ready_ = false;
  bool stopping_ = false;
  std::thread connector_;
};

}  // namespace

std::unique_ptr<BrokerConnection> make_paho_broker_connection(PahoConnectionSettings settings) {
  try {
    return std::make_unique<PahoBrokerConnection>(std::move(settings));
  } catch (const mqtt::exception& error) {
    throw std::runtime_error(std::string("cannot create the MQTT client: ") + error.what());
  }
}

}  // namespace edgehub::hub

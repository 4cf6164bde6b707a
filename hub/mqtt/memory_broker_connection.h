// BrokerConnection in memory, for unit tests: records what the hub publishes
// and lets a test deliver messages as if the broker sent them.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "mqtt/broker_connection.h"

namespace edgehub::hub {

struct PublishedMessage {
  std::string topic;
  std::string payload;
  int qos = 0;
};

class MemoryBrokerConnection final : public BrokerConnection {
 public:
  // Connected from the start unless told otherwise.
  explicit MemoryBrokerConnection(bool connected = true);

  void set_message_handler(MessageHandler handler) override;
  Status start() override;
  bool wait_until_connected(std::chrono::milliseconds timeout) override;
  void stop() override;
  Status publish(std::string_view topic, std::string_view payload, int qos) override;
  bool is_connected() const override;

  // Test controls.
  void set_connected(bool connected);
  // Called after each accepted publish, outside the lock, on the publishing
  // thread: a fake device answers a command from here (directly, or from a
  // thread of its own).
  void on_publish(std::function<void(const PublishedMessage&)> observer);
  // Delivers a message to the handler, as the broker would (same thread).
  void deliver(const std::string& topic, const std::string& payload, int qos = 1);
  std::vector<PublishedMessage> published() const;

 private:
  mutable std::mutex mutex_;
  bool connected_;
  MessageHandler handler_;
  std::function<void(const PublishedMessage&)> observer_;
  std::vector<PublishedMessage> published_;
};

}  // namespace edgehub::hub

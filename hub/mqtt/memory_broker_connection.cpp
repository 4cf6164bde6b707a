#include "mqtt/memory_broker_connection.h"

#include <stdexcept>

namespace edgehub::hub {

MemoryBrokerConnection::MemoryBrokerConnection(bool connected) : connected_(connected) {}

void MemoryBrokerConnection::set_message_handler(MessageHandler handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

Status MemoryBrokerConnection::start() { return ok_status(); }

bool MemoryBrokerConnection::wait_until_connected(std::chrono::milliseconds) {
  return is_connected();
}

void MemoryBrokerConnection::stop() { set_connected(false); }

Status MemoryBrokerConnection::publish(std::string_view topic, std::string_view payload, int qos) {
  std::function<void(const PublishedMessage&)> observer;
  PublishedMessage message{std::string(topic), std::string(payload), qos};
  {
    std::lock_guard lock(mutex_);
    if (!connected_) {
      return make_error(ErrorCode::unavailable, "the hub is not connected to the broker");
    }
    published_.push_back(message);
    observer = observer_;
  }
  if (observer) observer(message);
  return ok_status();
}

bool MemoryBrokerConnection::is_connected() const {
  std::lock_guard lock(mutex_);
  return connected_;
}

void MemoryBrokerConnection::set_connected(bool connected) {
  std::lock_guard lock(mutex_);
  connected_ = connected;
}

void MemoryBrokerConnection::on_publish(std::function<void(const PublishedMessage&)> observer) {
  std::lock_guard lock(mutex_);
  observer_ = std::move(observer);
}

void MemoryBrokerConnection::deliver(const std::string& topic, const std::string& payload,
                                     int qos) {
  MessageHandler handler;
  {
    std::lock_guard lock(mutex_);
    handler = handler_;
  }
  if (!handler) throw std::logic_error("MemoryBrokerConnection::deliver: no message handler set");
  handler(IncomingMessage{topic, payload, qos, false});
}

std::vector<PublishedMessage> MemoryBrokerConnection::published() const {
  std::lock_guard lock(mutex_);
  return published_;
}

}  // namespace edgehub::hub

// The hub's connection to the MQTT broker: the seam between hubd and Paho.
//
// Real implementation: paho_broker_connection.h. In-memory one for tests:
// memory_broker_connection.h.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hub {

struct IncomingMessage {
  std::string topic;
  std::string payload;  // raw bytes
  int qos = 0;
  bool redelivered = false;  // MQTT DUP flag
  // Delivered because the broker kept it as retained for the topic: a
  // replay at subscription time, not a new publish (MQTT 3.1.1 3.3.1.3).
  bool retained = false;
};

// Called once per incoming message, one at a time, on the connection's
// receive thread. Returning means "handled": the message is then
// acknowledged to the broker (QoS 1 PUBACK) and will not come again. A
// handler that could not handle a message durably must therefore NOT return
// normally (hubd's message router retries, then ends the process, so that
// the broker redelivers the message to the next hubd session). It must not
// throw either.
using MessageHandler = std::function<void(const IncomingMessage&)>;

class BrokerConnection {
 public:
  virtual ~BrokerConnection() = default;

  // Set before start(); messages queued for a persistent session arrive as
  // soon as the connection is up.
  virtual void set_message_handler(MessageHandler handler) = 0;

  // Begins connecting and keeps (re)connecting in the background until
  // stop(). Errors only for settings that can never work.
  virtual Status start() = 0;
  // true once connected and subscribed (now or within timeout).
  virtual bool wait_until_connected(std::chrono::milliseconds timeout) = 0;
  // Disconnects (a persistent session stays on the broker). Idempotent.
  virtual void stop() = 0;

  // Sends a message; ok once the broker has accepted it (QoS 1: PUBACK).
  // unavailable if not connected or the broker did not accept it.
  virtual Status publish(std::string_view topic, std::string_view payload, int qos) = 0;

  // Connected and subscribed: messages flow both ways (health's
  // broker_connected, and whether a command can be sent).
  virtual bool is_connected() const = 0;
};

}  // namespace edgehub::hub

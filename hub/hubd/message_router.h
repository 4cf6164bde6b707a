// hubd's MessageHandler: every message from the broker goes to the ingest
// journal (telemetry, anything unexpected: journal/group_commit.h) or the
// command dispatcher (responses), and is acknowledged only once that is
// durable.
//
// Error policy: a journal or store failure is retried with a backoff (the
// broker keeps the message unacknowledged meanwhile); if it persists,
// on_store_broken is called (hubd: log and exit non-zero without returning,
// so the broker redelivers the message to the next hubd session). The
// router never returns for a message it could not make durable.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "clock/clock.h"
#include "commands/command_dispatcher.h"
#include "mqtt/broker_connection.h"

namespace edgehub::hub {

struct StoreRetryPolicy {
  // Waits between attempts; the store has failed for good after the last.
  std::vector<std::chrono::milliseconds> delays = {
      std::chrono::milliseconds(50),   std::chrono::milliseconds(200),
      std::chrono::milliseconds(1000), std::chrono::milliseconds(3000),
      std::chrono::milliseconds(5000), std::chrono::milliseconds(10000)};
};

// Makes a telemetry message (or anything unexpected) durable: ok means it may
// be acknowledged. hubd: GroupCommit::submit.
using TelemetrySubmit = std::function<Status(std::string_view topic, std::string_view payload,
                                             std::int64_t received_at_ms)>;

// Must not return (hubd: std::_Exit). Tests pass one that throws.
using StoreBrokenHandler = std::function<void(const Error& last_error)>;

class MessageRouter {
 public:
  // References must outlive the router. sleep is injectable for tests.
  MessageRouter(TelemetrySubmit telemetry, CommandDispatcher& commands, const Clock& clock,
                StoreRetryPolicy retry_policy, StoreBrokenHandler on_store_broken,
                std::function<void(std::chrono::milliseconds)> sleep = {});

  // The BrokerConnection's MessageHandler.
  void handle(const IncomingMessage& message);

 private:
  Status route_once(const IncomingMessage& message, std::int64_t received_at_ms);

  TelemetrySubmit telemetry_;
  CommandDispatcher& commands_;
  const Clock& clock_;
  StoreRetryPolicy retry_policy_;
  StoreBrokenHandler on_store_broken_;
  std::function<void(std::chrono::milliseconds)> sleep_;
};

}  // namespace edgehub::hub

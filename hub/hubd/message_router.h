// hubd's one inbound path: every message from the broker is classified once
// by its topic and handed to one handler, under one retry policy:
//   devices/<id>/telemetry (and anything unexpected) -> the ingest journal
//   devices/<id>/responses                           -> the command dispatcher
//   devices/<id>/reported                            -> the twin service
//   $hub/...  (the broker plugin's presence events)  -> presence
// A retained delivery is ignored: the broker replays a retained message at
// every (re)subscription; it was delivered live when it was published.
//
// Error policy: a handler's failure is a store failure (a message it cannot
// accept is dead-lettered by the handler itself and reported ok); it is
// retried with the policy's delays (the broker keeps the message
// unacknowledged meanwhile); if it persists, on_store_broken is called (hubd:
// log and exit non-zero without returning, so the broker redelivers the
// message to the next hubd session). The router never returns for a message
// it could not make durable.
//
// Poison guard: responses and twin reports, which do not go through the
// journal, are handled under a ReceiveGuard (receive_guard.h); one hubd died
// on max_attempts times is set aside (dead letter) instead.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "clock/clock.h"
#include "edgehub/common/result.h"
#include "hubd/receive_guard.h"
#include "mqtt/broker_connection.h"

namespace edgehub::hub {

struct StoreRetryPolicy {
  // Waits between attempts; the store has failed for good after the last.
  std::vector<std::chrono::milliseconds> delays = {
      std::chrono::milliseconds(50),   std::chrono::milliseconds(200),
      std::chrono::milliseconds(1000), std::chrono::milliseconds(3000),
      std::chrono::milliseconds(5000), std::chrono::milliseconds(10000)};
};

enum class InboundKind { telemetry, response, twin_report, presence };

// The kind of a topic; anything that is none of the others is telemetry's
// to dead-letter.
InboundKind classify_inbound_topic(std::string_view topic);

// ok means: done with the message, it may be acknowledged.
using InboundHandler = std::function<Status(std::string_view topic, std::string_view payload)>;

struct InboundHandlers {
  // Durable once ok (hubd: GroupCommit::submit).
  std::function<Status(std::string_view topic, std::string_view payload,
                       std::int64_t received_at_ms)>
      telemetry;
  InboundHandler response;     // hubd: CommandDispatcher::on_response
  InboundHandler twin_report;  // hubd: TwinService::on_reported
  InboundHandler presence;     // hubd: presence, limit hits, subscriptions
  // A response or twin report the guard says hubd died on: store it as a
  // dead letter with the reason (durable once ok).
  std::function<Status(std::string_view topic, std::string_view payload, const std::string& reason,
                       std::int64_t received_at_ms)>
      set_aside;
};

// Must not return (hubd: std::_Exit). Tests pass one that throws.
using StoreBrokenHandler = std::function<void(const Error& last_error)>;

class MessageRouter {
 public:
  // References must outlive the router. guard may be null (no poison guard).
  // sleep is injectable for tests.
  MessageRouter(InboundHandlers handlers, const Clock& clock, StoreRetryPolicy retry_policy,
                StoreBrokenHandler on_store_broken, ReceiveGuard* guard = nullptr,
                std::function<void(std::chrono::milliseconds)> sleep = {});

  // The BrokerConnection's MessageHandler.
  void handle(const IncomingMessage& message);

 private:
  Status route_once(InboundKind kind, const IncomingMessage& message, std::int64_t received_at_ms,
                    const std::string& set_aside_reason);
  void handle_with_retries(InboundKind kind, const IncomingMessage& message,
                           const std::string& set_aside_reason = {});

  InboundHandlers handlers_;
  const Clock& clock_;
  StoreRetryPolicy retry_policy_;
  StoreBrokenHandler on_store_broken_;
  ReceiveGuard* guard_;
  std::function<void(std::chrono::milliseconds)> sleep_;
};

}  // namespace edgehub::hub

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
// retried with the policy's delays and then at the last delay for as long as
// it lasts (a full disk: hubd stays up serving reads, and carries on by itself
// once space returns), with the broker keeping the message unacknowledged
// meanwhile. The handler never returns for a message it could not make
// durable: if stop() comes while a message still cannot be stored,
// on_store_broken is called (hubd: log and exit non-zero without returning,
// so the broker redelivers the message to the next hubd session).
//
// Poison guard: responses and twin reports, which do not go through the
// journal, are handled under a ReceiveGuard (receive_guard.h); one hubd died
// on max_attempts times is set aside (dead letter) instead.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "clock/clock.h"
#include "edgehub/common/result.h"
#include "hubd/receive_guard.h"
#include "mqtt/broker_connection.h"

namespace edgehub::hub {

struct StoreRetryPolicy {
  // Waits between attempts; the last is repeated until the store recovers
  // or stop().
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
// Called when stop() ends the retries of a message that is not stored.
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
  // Ends the retries of a failing store (on_store_broken) instead of waiting
  // for it; call before the broker connection is stopped. Any thread.
  void stop();

  // What health reports: since when (ms, the clock's) the current message
  // cannot be stored (0: nothing is failing), the last error, and how many
  // attempts failed since the start.
  struct StoreState {
    std::int64_t failing_since_ms = 0;
    std::string last_error;
    std::uint64_t failed_attempts = 0;
  };
  StoreState store_state() const;

 private:
  Status route_once(InboundKind kind, const IncomingMessage& message, std::int64_t received_at_ms,
                    const std::string& set_aside_reason);
  void handle_with_retries(InboundKind kind, const IncomingMessage& message,
                           const std::string& set_aside_reason = {});
  // Waits before the next attempt; false once stop() was called.
  bool wait_before_retry(std::chrono::milliseconds delay);
  void note_failure(const Error& error, std::int64_t since_ms);

  InboundHandlers handlers_;
  const Clock& clock_;
  StoreRetryPolicy retry_policy_;
  StoreBrokenHandler on_store_broken_;
  ReceiveGuard* guard_;
  std::function<void(std::chrono::milliseconds)> sleep_;  // empty: wait on stopped_changed_

  mutable std::mutex mutex_;
  std::condition_variable stopped_changed_;
  bool stopped_ = false;
  StoreState store_state_;
};

}  // namespace edgehub::hub

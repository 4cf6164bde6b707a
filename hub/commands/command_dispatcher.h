// Sends commands to devices and decides their life (docs/protocol.md section
// 4): validation, the durable record (CommandStore), publishing only to a
// connected device subscribed to its command topic, waiting, answers,
// timeouts, expiry, cancellation, delivery of queued commands when a device
// comes back (subscribes), and recovery after a restart.
//
// Threads: send()/submit() run on REST threads and may block (synchronous
// commands); on_response() runs on the broker connection's receive thread
// and never publishes (a QoS 1 publish from that thread would wait for a
// PUBACK that thread must read); deliver_queued() and sweep() publish and
// run on the hub's command worker (command_worker.h) or in tests directly.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "clock/clock.h"
#include "commands/command_record.h"
#include "commands/command_store.h"
#include "commands/pending_commands.h"
#include "edgehub/common/result.h"
#include "edgehub/protocol/payloads.h"
#include "mqtt/broker_connection.h"
#include "presence/device_presence.h"
#include "registry/device_registry.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

inline constexpr std::chrono::milliseconds kDefaultCommandTimeout{10000};
inline constexpr std::chrono::milliseconds kMaxCommandTimeout{300000};
inline constexpr std::chrono::milliseconds kDefaultQueueTtl{std::chrono::hours(1)};
inline constexpr std::chrono::milliseconds kMaxQueueTtl{std::chrono::hours(24 * 7)};
inline constexpr std::size_t kDefaultMaxQueuedPerDevice = 100;

// How long commands.db keeps commands after their final state, and how many
// final commands at most (the earliest finished go first). Queued and sent
// commands are always kept. A fleet job lives as long as its commands.
struct CommandRetention {
  std::chrono::milliseconds max_age{std::chrono::hours(24 * 7)};
  std::size_t max_finished = 1000000;
};

// What one command may carry. A command goes out in one MQTT packet, and the
// broker disconnects a client (hubd too) whose packet is over its
// max_packet_size: the payload limit keeps every command under it.
inline constexpr std::size_t kDefaultMaxCommandBytes = 64 * 1024;
struct CommandLimits {
  // The operator's payload as canonical JSON text: over it, too_large.
  std::size_t max_payload_bytes = kDefaultMaxCommandBytes;
  // A device's response (whole message): over it, dead-lettered unparsed.
  std::size_t max_response_bytes = protocol::kDefaultMaxResponseBytes;
};

struct CommandOutcome {
  std::string id;
  std::string device_id;
  std::string name;
  int status = 0;                     // the device's own status (200, 400, 404, 500, ...)
  std::string payload_json = "null";  // the device's result
  std::int64_t latency_ms = 0;        // request to answer
};

struct CommandSubmission {
  std::string device_id;
  std::string name;
  std::string payload_json = "null";
  std::chrono::milliseconds timeout = kDefaultCommandTimeout;  // for the answer, once sent
  // The operator's id: the same id again returns that command, never runs it
  // twice. Empty: the hub makes one.
  std::string id;
  // true: return at once (state queued or sent); the command waits for the
  // device up to ttl. false: wait for the answer up to timeout (the device
  // must connect within it).
  bool queue = false;
  std::chrono::milliseconds ttl = kDefaultQueueTtl;
  std::string job_id;
};

using CommandIdGenerator = std::function<std::string()>;

class CommandDispatcher {
 public:
  // All references must outlive the dispatcher. dead_letters receives answers
  // that cannot be matched; clock stamps records and decides expiry.
  CommandDispatcher(const DeviceRegistry& registry, BrokerConnection& broker,
                    StreamStore& dead_letters, const Clock& clock,
                    CommandIdGenerator new_command_id, CommandStore& store,
                    const DevicePresence& presence,
                    std::size_t max_queued_per_device = kDefaultMaxQueuedPerDevice);

  // Without a durable store or presence (tests of other modules): commands
  // are kept in a private in-memory store and every device counts as connected.
  CommandDispatcher(const DeviceRegistry& registry, BrokerConnection& broker,
                    StreamStore& dead_letters, const Clock& clock,
                    CommandIdGenerator new_command_id);
  ~CommandDispatcher();

  // Synchronous (direct-method style): the device's answer, or an error:
  //   invalid_argument  bad name, id, payload (not JSON, nested too deep),
  //                     timeout or ttl, the hub's service id
  //   not_found         the device is not registered
  //   conflict          the device is disabled; the id belongs to another command
  //   too_large         the payload is over the limit (set_limits); (queue) the
  //                     device's queue is full
  //   unavailable       the hub is stopping
  //   timeout           no answer in time (the command is timed-out or expired)
  //   internal          the command store failed
  Result<CommandOutcome> send(std::string_view device_id, std::string_view name,
                              std::string_view payload_json, std::chrono::milliseconds timeout);
  // The general form. Synchronous submissions end in a final state (or the
  // timeout error above); queued ones return the record as it is now. An id
  // seen before returns that command (waiting for it, if synchronous).
  Result<CommandRecord> submit(const CommandSubmission& submission);

  // A message on devices/<id>/responses: decides the command it answers and
  // wakes its sender. Over the response limit (checked before parsing),
  // invalid or too deeply nested JSON, unknown or foreign command ids, second
  // and late answers also go to the dead-letter stream (a late answer to a
  // timed-out command is recorded on the command, too). An error means the
  // store failed (nothing recorded): do not acknowledge.
  Status on_response(std::string_view topic, std::string_view payload);

  // Cancels a queued command. conflict once it is sent or final.
  Result<CommandRecord> cancel(std::string_view command_id);
  Result<CommandRecord> find(std::string_view command_id) const { return store_.find(command_id); }
  Result<std::vector<CommandRecord>> list(const CommandQuery& query) const {
    return store_.list(query);
  }

  // Sends the device's queued commands (oldest first) if it is connected and
  // subscribed to its command topic. Synchronous commands waiting for the
  // device are among them.
  Status deliver_queued(std::string_view device_id);
  // Moves overdue commands to their final state: queued past expiry ->
  // expired, sent past deadline -> timed-out. At start this is the restart
  // recovery; afterwards the worker calls it periodically.
  Status sweep();
  // Deletes final commands beyond the retention (set_retention); returns how
  // many went. The worker calls it about once a minute.
  Result<std::size_t> prune();
  // Set before the worker starts.
  void set_retention(CommandRetention retention) { retention_ = retention; }
  // Set before the broker connection and REST start.
  void set_limits(CommandLimits limits) { limits_ = limits; }

  // Ends every wait with unavailable and refuses new commands.
  void shut_down();

  std::size_t waiting() const { return pending_.size(); }
  std::uint64_t dead_lettered_responses() const { return dead_lettered_.load(); }

 private:
  Result<CommandRecord> wait_for_final(const CommandRecord& command, bool registered_waiter,
                                       std::chrono::steady_clock::time_point deadline);
  Result<CommandRecord> submit_new(const CommandSubmission& submission,
                                   const std::string& device_id, std::string payload_json);
  Result<CommandRecord> resolve_at_deadline(const CommandRecord& command);
  // Moves a queued command to sent and publishes it (back to queued if the
  // broker does not take it).
  Status send_now(const CommandRecord& command, std::int64_t deadline_ms);
  // Publishes to devices/<id>/commands, QoS 1, with deadline_ms.
  Status publish(const CommandRecord& command, std::int64_t deadline_ms);
  Status dead_letter(std::string_view topic, std::string_view device_id, std::string_view payload,
                     std::string reason);
  Status finish(const CommandRecord& command, CommandState from, CommandState to);

  struct PrivateState;  // the store and presence of the short constructor
  std::unique_ptr<PrivateState> private_state_;
  const DeviceRegistry& registry_;
  BrokerConnection& broker_;
  StreamStore& dead_letters_;
  const Clock& clock_;
  CommandIdGenerator new_command_id_;
  CommandStore& store_;
  const DevicePresence& presence_;
  std::size_t max_queued_per_device_;
  CommandRetention retention_;
  CommandLimits limits_;
  PendingCommands pending_;
  std::atomic<std::uint64_t> dead_lettered_{0};
  std::atomic<bool> stopping_{false};
};

// A synchronous command's result as the REST API returns it.
CommandOutcome outcome_of(const CommandRecord& command);

}  // namespace edgehub::hub

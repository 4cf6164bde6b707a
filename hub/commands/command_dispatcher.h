// Where a command's life is decided (docs/protocol.md section 4): a
// submission becomes a durable record (CommandStore), is sent at once or
// waits queued, and ends answered, timed-out, expired or cancelled. This
// class keeps that life cycle: idempotent ids, the per-device queue limit,
// synchronous waits, cancel, sweep (expiry, deadlines, restart recovery) and
// retention. The parts with a concern of their own are beside it:
// command_submission.h (checks of the request), command_delivery.h
// (publishing, queued delivery), command_answers.h (a device's answer),
// command_outcome.h (what a waiting caller gets).
//
// Threads: submit() runs on REST threads and may block (synchronous
// commands); on_response() runs on the broker connection's receive thread
// and never publishes; deliver_queued() and sweep() publish and run on the
// hub's command worker (command_worker.h) or in tests directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clock/clock.h"
#include "commands/command_answers.h"
#include "commands/command_delivery.h"
#include "commands/command_limits.h"
#include "commands/command_outcome.h"
#include "commands/command_record.h"
#include "commands/command_store.h"
#include "commands/command_submission.h"
#include "commands/pending_commands.h"
#include "edgehub/common/result.h"
#include "mqtt/broker_connection.h"
#include "presence/device_presence.h"
#include "registry/device_registry.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

// How long commands.db keeps commands after their final state, and how many
// final commands at most (the earliest finished go first). Queued and sent
// commands are always kept. A fleet job lives as long as its commands.
struct CommandRetention {
  std::chrono::milliseconds max_age{std::chrono::hours(24 * 7)};
  std::size_t max_finished = 1000000;
};

using CommandIdGenerator = std::function<std::string()>;

class CommandDispatcher {
 public:
  // All references must outlive the dispatcher. dead_letters receives answers
  // that cannot be matched; clock stamps records and decides expiry; presence
  // says whether a device can be reached now.
  CommandDispatcher(const DeviceRegistry& registry, BrokerConnection& broker,
                    StreamStore& dead_letters, const Clock& clock,
                    CommandIdGenerator new_command_id, CommandStore& store,
                    const DevicePresence& presence,
                    std::size_t max_queued_per_device = kDefaultMaxQueuedPerDevice);

  // Synchronous submissions (queue = false) end in a final state: the
  // device's answer (whatever its status) or an error; queued ones return
  // the record as it is now. An id seen before returns that command (waiting
  // for it, if synchronous). Errors:
  //   invalid_argument  bad name, id, payload (not JSON, nested too deep),
  //                     timeout or ttl, the hub's service id
  //   not_found         the device is not registered
  //   conflict          the device is disabled; the id belongs to another
  //                     command; (synchronous) the command was cancelled
  //   too_large         the payload is over the limit (set_limits); (queue) the
  //                     device's queue is full
  //   unavailable       the hub is stopping; (synchronous) the hub is not
  //                     connected to the broker
  //   timeout           no answer in time (the command is timed-out or expired)
  //   internal          the command store failed
  Result<CommandRecord> submit(const CommandSubmission& submission);

  // A fleet job's commands (fleet_jobs.h): `submission` queued for every
  // device in one transaction (its id and device_id are not used; each
  // command gets a new id); never publishes nor waits, so that a job for a
  // whole fleet is answered at once. A device that cannot take commands or
  // whose queue is full is refused; the rest are stored or none is. Errors
  // as submit()'s for the submission itself (the first device checks it).
  struct QueuedForDevices {
    std::vector<std::string> refused;    // "device: reason"
    std::vector<std::string> reachable;  // connected and subscribed now: schedule_delivery
  };
  Result<QueuedForDevices> queue_for_devices(const CommandSubmission& submission,
                                             std::span<const DeviceRecord> devices);
  // Sends the device's queued commands soon: on the delivery scheduler when
  // one is set (hubd: the command worker's thread), otherwise now.
  void schedule_delivery(std::string_view device_id);
  // Set before REST starts.
  void set_delivery_scheduler(std::function<void(std::string_view)> scheduler) {
    delivery_scheduler_ = std::move(scheduler);
  }

  // A message on devices/<id>/responses (command_answers.h).
  Status on_response(std::string_view topic, std::string_view payload) {
    return answers_.on_response(topic, payload);
  }

  // Cancels a queued command. conflict once it is sent or final.
  Result<CommandRecord> cancel(std::string_view command_id);
  Result<CommandRecord> find(std::string_view command_id) const { return store_.find(command_id); }
  Result<std::vector<CommandRecord>> list(const CommandQuery& query) const {
    return store_.list(query);
  }

  // Sends the device's queued commands (oldest first) if it is connected and
  // subscribed to its command topic. Synchronous commands waiting for the
  // device are among them.
  Status deliver_queued(std::string_view device_id) { return delivery_.deliver_queued(device_id); }
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
  void set_limits(CommandLimits limits);

  // Ends every wait with unavailable and refuses new commands.
  void shut_down() { pending_.close(); }

  std::size_t waiting() const { return pending_.size(); }
  std::uint64_t dead_lettered_responses() const { return answers_.dead_lettered(); }
  // Set before the broker connection starts (command_answers.h).
  void set_round_trip_observer(RoundTripObserver observer) {
    answers_.set_round_trip_observer(std::move(observer));
  }

 private:
  Result<CommandRecord> submit_new(const CommandSubmission& submission,
                                   const std::string& device_id);
  // A submission whose operator id names an existing command: that command
  // (waited for, if synchronous), never a second run; conflict if the id was
  // used for another command.
  Result<CommandRecord> resubmitted(const CommandSubmission& submission,
                                    const std::string& device_id, const CommandRecord& existing,
                                    std::chrono::steady_clock::time_point deadline);
  Result<CommandRecord> wait_for_final(const CommandRecord& command, bool registered_waiter,
                                       std::chrono::steady_clock::time_point deadline);
  Result<CommandRecord> resolve_at_deadline(const CommandRecord& command);
  Status finish(std::string_view command_id, CommandState from, CommandState to);

  const DeviceRegistry& registry_;
  BrokerConnection& broker_;
  const Clock& clock_;
  CommandIdGenerator new_command_id_;
  CommandStore& store_;
  std::size_t max_queued_per_device_;
  CommandRetention retention_;
  CommandLimits limits_;
  std::function<void(std::string_view)> delivery_scheduler_;
  // Closed when the hub stops: that is the "stopping" every part checks.
  PendingCommands pending_;
  CommandDelivery delivery_;
  CommandAnswers answers_;
};

}  // namespace edgehub::hub

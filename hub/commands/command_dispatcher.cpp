#include "commands/command_dispatcher.h"

#include <thread>

#include "commands/finish_command.h"

namespace edgehub::hub {
namespace {

// A second caller with an id in flight reads the store until the first
// caller's command is decided: rare enough not to need a waiter of its own.
constexpr auto kDuplicatePollInterval = std::chrono::milliseconds(10);

}  // namespace

CommandDispatcher::CommandDispatcher(const DeviceRegistry& registry, BrokerConnection& broker,
                                     StreamStore& dead_letters, const Clock& clock,
                                     CommandIdGenerator new_command_id, CommandStore& store,
                                     const DevicePresence& presence,
                                     std::size_t max_queued_per_device)
    : registry_(registry),
      broker_(broker),
      clock_(clock),
      new_command_id_(std::move(new_command_id)),
      store_(store),
      max_queued_per_device_(max_queued_per_device),
      delivery_(broker, store, presence, pending_, clock),
      answers_(store, pending_, dead_letters, clock) {}

void CommandDispatcher::set_limits(CommandLimits limits) {
  limits_ = limits;
  answers_.set_max_response_bytes(limits.max_response_bytes);
}

Result<CommandRecord> CommandDispatcher::submit(const CommandSubmission& submission) {
  auto valid = validate_submission(submission, limits_.max_payload_bytes);
  if (!valid) return valid.error();
  auto device = registry_.find(valid->device_id);
  if (!device) return device.error();
  if (Status target = check_command_target(*device); !target) return target.error();
  if (pending_.closed()) return hub_stopping();
  // A queued command waits for the broker too; an operator waiting for an
  // answer learns at once that none can come.
  if (!valid->queue && !broker_.is_connected()) {
    return make_error(ErrorCode::unavailable, "the hub is not connected to the broker");
  }
  return submit_new(*valid, device->id);
}

Result<CommandDispatcher::QueuedForDevices> CommandDispatcher::queue_for_devices(
    const CommandSubmission& submission, std::span<const DeviceRecord> devices) {
  if (pending_.closed()) return hub_stopping();
  QueuedForDevices result;
  if (devices.empty()) return result;
  CommandSubmission queued = submission;
  queued.id.clear();
  queued.queue = true;
  queued.device_id = devices.front().id;
  auto valid = validate_submission(queued, limits_.max_payload_bytes);
  if (!valid) return valid.error();
  const std::int64_t now = clock_.now_ms();
  std::vector<CommandRecord> commands;
  commands.reserve(devices.size());
  for (const DeviceRecord& device : devices) {
    if (Status target = check_command_target(device); !target) {
      result.refused.push_back(device.id + ": " + target.error().message);
      continue;
    }
    auto waiting = store_.count_queued(device.id);
    if (!waiting) return waiting.error();
    if (*waiting >= max_queued_per_device_) {
      result.refused.push_back(device.id + ": " + std::to_string(*waiting) +
                               " queued commands already (the limit per device)");
      continue;
    }
    commands.push_back(new_command_record(*valid, new_command_id_(), device.id, now));
    if (delivery_.can_reach(device.id)) result.reachable.push_back(device.id);
  }
  if (Status inserted = store_.insert_all(commands); !inserted) return inserted.error();
  return result;
}

void CommandDispatcher::schedule_delivery(std::string_view device_id) {
  if (delivery_scheduler_) {
    delivery_scheduler_(device_id);
  } else {
    (void)deliver_queued(device_id);  // failed: stays queued for the next delivery
  }
}

Result<CommandRecord> CommandDispatcher::submit_new(const CommandSubmission& submission,
                                                    const std::string& device_id) {
  const auto started = std::chrono::steady_clock::now();
  if (!submission.id.empty()) {
    auto existing = store_.find(submission.id);
    if (existing) {
      return resubmitted(submission, device_id, *existing, started + submission.timeout);
    }
    if (existing.error().code != ErrorCode::not_found) return existing.error();
  }
  if (submission.queue) {
    auto queued = store_.count_queued(device_id);
    if (!queued) return queued.error();
    if (*queued >= max_queued_per_device_) {
      return make_error(ErrorCode::too_large,
                        "device '" + device_id + "' has " + std::to_string(*queued) +
                            " queued commands already (the limit per device)");
    }
  }

  const std::int64_t now = clock_.now_ms();
  CommandRecord command = new_command_record(
      submission, submission.id.empty() ? new_command_id_() : submission.id, device_id, now);
  // A synchronous command for a device ready for it is recorded as sent at
  // once (one write before the publish instead of queued, then sent). Ready
  // means subscribed, not only connected: a device that connected with a
  // clean session has no subscription until its SUBSCRIBE, and a command
  // published before that is lost. Such a command waits, queued, for the
  // device's subscription (deliver_queued), within its timeout.
  const bool send_at_once = !submission.queue && delivery_.can_reach(device_id);
  if (send_at_once) {
    command.state = CommandState::sent;
    command.sent_at_ms = now;
    command.deadline_ms = command.expires_at_ms;
  }

  // The waiter is registered first: the answer may arrive before publish returns.
  if (!submission.queue && !pending_.add(command.id, device_id)) return hub_stopping();
  if (Status inserted = store_.insert(command); !inserted) {
    if (!submission.queue) pending_.remove(command.id);
    if (inserted.error().code == ErrorCode::conflict && !submission.id.empty()) {
      // The same id from two callers at once: the other one runs it.
      return submit_new(submission, device_id);
    }
    return inserted.error();
  }
  if (send_at_once) {
    if (Status sent = delivery_.publish(command, command.expires_at_ms); !sent) {
      // The caller hears "unavailable" now: the command must not reach the
      // device later behind its back.
      pending_.remove(command.id);
      (void)finish(command.id, CommandState::sent, CommandState::expired);
      return sent.error();
    }
  } else if (delivery_.can_reach(device_id)) {
    // A queued command for a subscribed device, or a device that subscribed
    // after the check above (its delivery may have run before the insert).
    (void)delivery_.send_queued(command, now + submission.timeout.count());  // failed: stays queued
  }
  if (submission.queue) return store_.find(command.id);
  return wait_for_final(command, true, started + submission.timeout);
}

Result<CommandRecord> CommandDispatcher::resubmitted(
    const CommandSubmission& submission, const std::string& device_id,
    const CommandRecord& existing, std::chrono::steady_clock::time_point deadline) {
  if (existing.device_id != device_id || existing.name != submission.name) {
    return make_error(ErrorCode::conflict, "command id '" + submission.id +
                                               "' is already used for '" + existing.name +
                                               "' to device '" + existing.device_id + "'");
  }
  if (submission.queue) return existing;
  if (is_final(existing.state)) return synchronous_result(existing);
  return wait_for_final(existing, false, deadline);
}

Result<CommandRecord> CommandDispatcher::wait_for_final(
    const CommandRecord& command, bool registered_waiter,
    std::chrono::steady_clock::time_point deadline) {
  if (registered_waiter) {
    pending_.wait_and_remove(command.id, deadline);
    if (pending_.closed()) return hub_stopping();
    auto now = store_.find(command.id);
    if (!now) return now.error();
    if (is_final(now->state)) return synchronous_result(std::move(*now));
    return resolve_at_deadline(*now);
  }
  // Someone else (the first caller with this id, or the worker) decides it.
  while (true) {
    auto now = store_.find(command.id);
    if (!now) return now.error();
    if (is_final(now->state)) return synchronous_result(std::move(*now));
    if (std::chrono::steady_clock::now() >= deadline || pending_.closed()) {
      return make_error(ErrorCode::timeout, "command '" + command.id + "' is still " +
                                                to_string(now->state) + " after the timeout");
    }
    std::this_thread::sleep_for(kDuplicatePollInterval);
  }
}

Result<CommandRecord> CommandDispatcher::resolve_at_deadline(const CommandRecord& command) {
  // Whichever state it is still in: sent (no answer) or queued (never sent).
  if (Status done = finish(command.id, CommandState::sent, CommandState::timed_out); !done) {
    return done.error();
  }
  if (Status done = finish(command.id, CommandState::queued, CommandState::expired); !done) {
    return done.error();
  }
  auto now = store_.find(command.id);
  if (!now) return now.error();
  return synchronous_result(std::move(*now));
}

Status CommandDispatcher::finish(std::string_view command_id, CommandState from, CommandState to) {
  auto finished = finish_command(store_, pending_, command_id, from, to, clock_.now_ms());
  if (!finished) return finished.error();
  return ok_status();
}

Status CommandDispatcher::sweep() {
  auto overdue = store_.overdue(clock_.now_ms());
  if (!overdue) return overdue.error();
  for (const CommandRecord& command : *overdue) {
    const bool was_sent = command.state == CommandState::sent;
    if (Status done = finish(command.id, was_sent ? CommandState::sent : CommandState::queued,
                             was_sent ? CommandState::timed_out : CommandState::expired);
        !done) {
      return done;
    }
  }
  return ok_status();
}

Result<std::size_t> CommandDispatcher::prune() {
  return store_.forget_finished(clock_.now_ms() - retention_.max_age.count(),
                                retention_.max_finished);
}

Result<CommandRecord> CommandDispatcher::cancel(std::string_view command_id) {
  auto changed = finish_command(store_, pending_, command_id, CommandState::queued,
                                CommandState::cancelled, clock_.now_ms());
  if (!changed) return changed.error();
  auto command = store_.find(command_id);
  if (!command) return command.error();
  if (!*changed) {
    return make_error(ErrorCode::conflict, "command '" + command->id + "' is " +
                                               to_string(command->state) +
                                               ": only a queued command can be cancelled");
  }
  return command;
}

}  // namespace edgehub::hub

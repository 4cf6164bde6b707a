#include "commands/command_dispatcher.h"

#include <array>
#include <thread>

#include "commands/sqlite_command_store.h"
#include "edgehub/protocol/payloads.h"
#include "edgehub/protocol/topics.h"
#include "presence/memory_device_presence.h"

namespace edgehub::hub {
namespace {

constexpr auto kDuplicatePollInterval = std::chrono::milliseconds(10);

Error invalid(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

std::string commands_topic(std::string_view device_id) {
  std::array<char, protocol::kMaxTopicLength> buffer{};
  const std::size_t length = protocol::build_device_topic(protocol::TopicKind::commands, device_id,
                                                          buffer.data(), buffer.size());
  return std::string(buffer.data(), length);
}

Error hub_stopping() { return make_error(ErrorCode::unavailable, "the hub is stopping"); }

// The command as the device receives it: the protocol's fields plus
// deadline_ms, the absolute time (hub clock) after which nobody waits for the
// answer: a device with a clock drops a command that arrives later.
std::string command_message(const CommandRecord& command, std::int64_t deadline_ms) {
  protocol::CommandRequest request;
  request.id = command.id;
  request.name = command.name;
  request.payload_json = command.payload_json;
  request.timeout_ms = command.timeout_ms;
  std::string text = protocol::build_command(request);
  text.insert(text.size() - 1, ",\"deadline_ms\":" + std::to_string(deadline_ms));
  return text;
}

Error unanswered(const CommandRecord& command) {
  if (command.state == CommandState::expired) {
    return make_error(
        ErrorCode::timeout,
        "device '" + command.device_id + "' did not answer command '" + command.id + "' (" +
            command.name + ") within " + std::to_string(command.timeout_ms) +
            " ms: it was not connected (or had not subscribed to its command topic), the "
            "command expired without being sent");
  }
  return make_error(ErrorCode::timeout, "device '" + command.device_id +
                                            "' did not answer command '" + command.id + "' (" +
                                            command.name + ") within " +
                                            std::to_string(command.timeout_ms) + " ms");
}

// A synchronous caller's view of a final command.
Result<CommandRecord> synchronous_result(CommandRecord command) {
  switch (command.state) {
    case CommandState::timed_out:
    case CommandState::expired:
      return unanswered(command);
    case CommandState::cancelled:
      return make_error(ErrorCode::conflict, "command '" + command.id + "' was cancelled");
    default:
      return command;
  }
}

}  // namespace

CommandOutcome outcome_of(const CommandRecord& command) {
  CommandOutcome outcome;
  outcome.id = command.id;
  outcome.device_id = command.device_id;
  outcome.name = command.name;
  outcome.status = command.response_status.value_or(0);
  outcome.payload_json = command.response_payload_json.value_or("null");
  outcome.latency_ms =
      command.responded_at_ms ? *command.responded_at_ms - command.created_at_ms : 0;
  return outcome;
}

struct CommandDispatcher::PrivateState {
  std::unique_ptr<SqliteCommandStore> store = SqliteCommandStore::open(":memory:");
  MemoryDevicePresence presence{/*connected_by_default=*/true};
};

CommandDispatcher::CommandDispatcher(const DeviceRegistry& registry, BrokerConnection& broker,
                                     StreamStore& dead_letters, const Clock& clock,
                                     CommandIdGenerator new_command_id)
    : private_state_(std::make_unique<PrivateState>()),
      registry_(registry),
      broker_(broker),
      dead_letters_(dead_letters),
      clock_(clock),
      new_command_id_(std::move(new_command_id)),
      store_(*private_state_->store),
      presence_(private_state_->presence),
      max_queued_per_device_(kDefaultMaxQueuedPerDevice) {}

CommandDispatcher::~CommandDispatcher() = default;

CommandDispatcher::CommandDispatcher(const DeviceRegistry& registry, BrokerConnection& broker,
                                     StreamStore& dead_letters, const Clock& clock,
                                     CommandIdGenerator new_command_id, CommandStore& store,
                                     const DevicePresence& presence,
                                     std::size_t max_queued_per_device)
    : registry_(registry),
      broker_(broker),
      dead_letters_(dead_letters),
      clock_(clock),
      new_command_id_(std::move(new_command_id)),
      store_(store),
      presence_(presence),
      max_queued_per_device_(max_queued_per_device) {}

Result<CommandOutcome> CommandDispatcher::send(std::string_view device_id, std::string_view name,
                                               std::string_view payload_json,
                                               std::chrono::milliseconds timeout) {
  CommandSubmission submission;
  submission.device_id = std::string(device_id);
  submission.name = std::string(name);
  submission.payload_json = std::string(payload_json);
  submission.timeout = timeout;
  const auto started = std::chrono::steady_clock::now();
  auto command = submit(submission);
  if (!command) return command.error();
  CommandOutcome outcome = outcome_of(*command);
  outcome.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  return outcome;
}

Result<CommandRecord> CommandDispatcher::submit(const CommandSubmission& submission) {
  if (!protocol::is_valid_command_name(submission.name)) {
    return invalid("'" + submission.name +
                   "' is not a valid command name (1-64 characters of [A-Za-z0-9._-])");
  }
  if (!submission.id.empty() && !protocol::is_valid_command_id(submission.id)) {
    return invalid("'" + submission.id +
                   "' is not a valid command id (1-64 characters of [A-Za-z0-9._-])");
  }
  if (submission.timeout < std::chrono::milliseconds(1) ||
      submission.timeout > kMaxCommandTimeout) {
    return invalid("timeout_ms must be 1-" + std::to_string(kMaxCommandTimeout.count()) + ", not " +
                   std::to_string(submission.timeout.count()));
  }
  if (submission.queue &&
      (submission.ttl < std::chrono::milliseconds(1) || submission.ttl > kMaxQueueTtl)) {
    return invalid("ttl_ms must be 1-" + std::to_string(kMaxQueueTtl.count()) + ", not " +
                   std::to_string(submission.ttl.count()));
  }
  auto payload = protocol::canonical_json(submission.payload_json.empty()
                                              ? std::string_view("null")
                                              : std::string_view(submission.payload_json));
  if (!payload) return invalid("command payload: " + payload.error().message);
  if (payload->size() > limits_.max_payload_bytes) {
    return make_error(ErrorCode::too_large,
                      "command payload too large: " + std::to_string(payload->size()) +
                          " bytes > " + std::to_string(limits_.max_payload_bytes));
  }

  auto device = registry_.find(submission.device_id);
  if (!device) return device.error();
  if (device->role != DeviceRole::device) {
    return invalid("'" + device->id + "' is the hub's service identity, not a device");
  }
  if (device->status == DeviceStatus::disabled) {
    return make_error(ErrorCode::conflict, "device '" + device->id + "' is disabled");
  }
  if (stopping_) return hub_stopping();
  // A queued command waits for the broker too; an operator waiting for an
  // answer learns at once that none can come.
  if (!submission.queue && !broker_.is_connected()) {
    return make_error(ErrorCode::unavailable, "the hub is not connected to the broker");
  }
  return submit_new(submission, device->id, std::move(*payload));
}

Result<CommandRecord> CommandDispatcher::submit_new(const CommandSubmission& submission,
                                                    const std::string& device_id,
                                                    std::string payload_json) {
  const auto started = std::chrono::steady_clock::now();
  if (!submission.id.empty()) {
    auto existing = store_.find(submission.id);
    if (existing) {
      if (existing->device_id != device_id || existing->name != submission.name) {
        return make_error(ErrorCode::conflict, "command id '" + submission.id +
                                                   "' is already used for '" + existing->name +
                                                   "' to device '" + existing->device_id + "'");
      }
      if (submission.queue || is_final(existing->state)) {
        return submission.queue ? Result<CommandRecord>(*existing) : synchronous_result(*existing);
      }
      return wait_for_final(*existing, false, started + submission.timeout);
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
  CommandRecord command;
  command.id = submission.id.empty() ? new_command_id_() : submission.id;
  command.device_id = device_id;
  command.name = submission.name;
  command.payload_json = std::move(payload_json);
  command.state = CommandState::queued;
  command.timeout_ms = static_cast<std::uint32_t>(submission.timeout.count());
  command.queued_by_operator = submission.queue;
  command.created_at_ms = now;
  command.expires_at_ms = now + (submission.queue ? submission.ttl : submission.timeout).count();
  command.job_id = submission.job_id;
  // A synchronous command for a device ready for it is recorded as sent at
  // once (one write before the publish instead of queued, then sent). Ready
  // means subscribed, not only connected: a device that connected with a
  // clean session has no subscription until its SUBSCRIBE, and a command
  // published before that is lost. Such a command waits, queued, for the
  // device's subscription (deliver_queued), within its timeout.
  const bool send_at_once =
      !submission.queue && presence_.is_subscribed_to_commands(device_id) && broker_.is_connected();
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
      return submit_new(submission, device_id, command.payload_json);
    }
    return inserted.error();
  }
  if (send_at_once) {
    if (Status sent = publish(command, command.expires_at_ms); !sent) {
      // The caller hears "unavailable" now: the command must not reach the
      // device later behind its back.
      pending_.remove(command.id);
      (void)finish(command, CommandState::sent, CommandState::expired);
      return sent.error();
    }
  } else if (presence_.is_subscribed_to_commands(device_id) && broker_.is_connected()) {
    // A queued command for a subscribed device, or a device that subscribed
    // after the check above (its delivery may have run before the insert).
    (void)send_now(command, now + submission.timeout.count());  // failed: stays queued
  }
  if (submission.queue) return store_.find(command.id);
  return wait_for_final(command, true, started + submission.timeout);
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
    if (std::chrono::steady_clock::now() >= deadline || stopping_) {
      return make_error(ErrorCode::timeout, "command '" + command.id + "' is still " +
                                                to_string(now->state) + " after the timeout");
    }
    std::this_thread::sleep_for(kDuplicatePollInterval);
  }
}

Result<CommandRecord> CommandDispatcher::resolve_at_deadline(const CommandRecord& command) {
  if (Status done = finish(command, CommandState::sent, CommandState::timed_out); !done) {
    return done.error();
  }
  if (Status done = finish(command, CommandState::queued, CommandState::expired); !done) {
    return done.error();
  }
  auto now = store_.find(command.id);
  if (!now) return now.error();
  return synchronous_result(std::move(*now));
}

Status CommandDispatcher::finish(const CommandRecord& command, CommandState from, CommandState to) {
  CommandUpdate update;
  update.state = to;
  update.finished_at_ms = clock_.now_ms();
  auto changed = store_.transition(command.id, {from}, update);
  if (!changed) return changed.error();
  if (*changed) pending_.resolve(command.id);
  return ok_status();
}

Status CommandDispatcher::send_now(const CommandRecord& command, std::int64_t deadline_ms) {
  // Recorded as sent before the publish: the answer can overtake the PUBACK.
  CommandUpdate update;
  update.state = CommandState::sent;
  update.sent_at_ms = clock_.now_ms();
  update.deadline_ms = deadline_ms;
  auto claimed = store_.transition(command.id, {CommandState::queued}, update);
  if (!claimed) return claimed.error();
  if (!*claimed) return ok_status();  // sent, cancelled or expired meanwhile
  Status published = publish(command, deadline_ms);
  if (!published) {
    // Not handed to the broker: back to the queue, sent when the device (or
    // the hub's broker connection) is back.
    CommandUpdate back;
    back.state = CommandState::queued;
    (void)store_.transition(command.id, {CommandState::sent}, back);
    return published.error();
  }
  return ok_status();
}

Status CommandDispatcher::publish(const CommandRecord& command, std::int64_t deadline_ms) {
  return broker_.publish(commands_topic(command.device_id), command_message(command, deadline_ms),
                         1);
}

Status CommandDispatcher::deliver_queued(std::string_view device_id) {
  if (!presence_.is_subscribed_to_commands(device_id) || !broker_.is_connected()) {
    return ok_status();
  }
  auto queued = store_.queued_for(device_id);
  if (!queued) return queued.error();
  for (const CommandRecord& command : *queued) {
    if (stopping_) return hub_stopping();
    const std::int64_t now = clock_.now_ms();
    if (command.expires_at_ms <= now) {
      if (Status done = finish(command, CommandState::queued, CommandState::expired); !done) {
        return done;
      }
      continue;
    }
    const std::int64_t deadline =
        command.queued_by_operator ? now + command.timeout_ms : command.expires_at_ms;
    if (Status sent = send_now(command, deadline); !sent) return sent;
  }
  return ok_status();
}

Status CommandDispatcher::sweep() {
  auto overdue = store_.overdue(clock_.now_ms());
  if (!overdue) return overdue.error();
  for (const CommandRecord& command : *overdue) {
    const bool was_sent = command.state == CommandState::sent;
    if (Status done = finish(command, was_sent ? CommandState::sent : CommandState::queued,
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
  CommandUpdate update;
  update.state = CommandState::cancelled;
  update.finished_at_ms = clock_.now_ms();
  auto changed = store_.transition(command_id, {CommandState::queued}, update);
  if (!changed) return changed.error();
  auto command = store_.find(command_id);
  if (!command) return command.error();
  if (!*changed) {
    return make_error(ErrorCode::conflict, "command '" + command->id + "' is " +
                                               to_string(command->state) +
                                               ": only a queued command can be cancelled");
  }
  pending_.resolve(command->id);
  return command;
}

void CommandDispatcher::shut_down() {
  stopping_ = true;
  pending_.close();
}

Status CommandDispatcher::on_response(std::string_view topic, std::string_view payload) {
  protocol::ParsedTopic parsed{};
  if (!protocol::parse_device_topic(topic, parsed) ||
      parsed.kind != protocol::TopicKind::responses) {
    return dead_letter(topic, {}, payload,
                       "topic '" + std::string(topic) + "' is not a device responses topic");
  }
  // Before parsing: this runs on the thread that receives every device's
  // messages.
  if (payload.size() > limits_.max_response_bytes) {
    return dead_letter(topic, parsed.device_id, payload,
                       "command response too large: " + std::to_string(payload.size()) +
                           " bytes > " + std::to_string(limits_.max_response_bytes));
  }
  auto response = protocol::parse_command_response(payload);
  if (!response) {
    return dead_letter(topic, parsed.device_id, payload,
                       "invalid command response: " + response.error().message);
  }
  auto command = store_.find(response->id);
  if (!command) {
    if (command.error().code != ErrorCode::not_found) return command.error();
    return dead_letter(
        topic, parsed.device_id, payload,
        "response to command '" + response->id + "', which the hub is not waiting for (unknown)");
  }
  if (command->device_id != parsed.device_id) {
    return dead_letter(topic, parsed.device_id, payload,
                       "response from device '" + std::string(parsed.device_id) + "' to command '" +
                           command->id + "', which was sent to device '" + command->device_id +
                           "'");
  }
  const std::int64_t now = clock_.now_ms();
  CommandUpdate update;
  update.state = state_for_device_status(response->status);
  update.finished_at_ms = now;
  update.response_status = response->status;
  update.response_payload_json = response->payload_json;
  update.responded_at_ms = now;
  // queued too: a restart may have put it back after the device got it.
  auto decided = store_.transition(command->id, {CommandState::sent, CommandState::queued}, update);
  if (!decided) return decided.error();
  if (*decided) {
    const std::string device(parsed.device_id);
    pending_.deliver(device, std::move(*response));
    return ok_status();
  }
  if (command->response_status) {
    return dead_letter(topic, parsed.device_id, payload,
                       "second response to command '" + command->id + "'");
  }
  auto recorded =
      store_.record_late_answer(command->id, response->status, response->payload_json, now);
  if (!recorded) return recorded.error();
  return dead_letter(topic, parsed.device_id, payload,
                     "response to command '" + command->id +
                         "', which the hub is not waiting for (" + to_string(command->state) +
                         "; recorded on the command as a late answer)");
}

Status CommandDispatcher::dead_letter(std::string_view topic, std::string_view device_id,
                                      std::string_view payload, std::string reason) {
  auto appended = dead_letters_.append(
      make_dead_letter(topic, device_id, payload, std::move(reason), clock_.now_ms()));
  if (!appended) return appended.error();
  ++dead_lettered_;
  return ok_status();
}

}  // namespace edgehub::hub

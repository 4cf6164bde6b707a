#include "commands/command_delivery.h"

#include "commands/command_message.h"
#include "commands/finish_command.h"

namespace edgehub::hub {

CommandDelivery::CommandDelivery(BrokerConnection& broker, CommandStore& store,
                                 const DevicePresence& presence, PendingCommands& waiting,
                                 const Clock& clock)
    : broker_(broker), store_(store), presence_(presence), waiting_(waiting), clock_(clock) {}

bool CommandDelivery::can_reach(std::string_view device_id) const {
  return presence_.is_subscribed_to_commands(device_id) && broker_.is_connected();
}

Status CommandDelivery::publish(const CommandRecord& command, std::int64_t deadline_ms) {
  return broker_.publish(command_topic(command.device_id), command_message(command, deadline_ms),
                         1);
}

Status CommandDelivery::send_queued(const CommandRecord& command, std::int64_t deadline_ms) {
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

Status CommandDelivery::deliver_queued(std::string_view device_id) {
  if (!can_reach(device_id)) return ok_status();
  auto queued = store_.queued_for(device_id);
  if (!queued) return queued.error();
  for (const CommandRecord& command : *queued) {
    if (waiting_.closed()) return hub_stopping();
    const std::int64_t now = clock_.now_ms();
    if (command.expires_at_ms <= now) {
      auto expired = finish_command(store_, waiting_, command.id, CommandState::queued,
                                    CommandState::expired, now);
      if (!expired) return expired.error();
      continue;
    }
    const std::int64_t deadline =
        command.queued_by_operator ? now + command.timeout_ms : command.expires_at_ms;
    if (Status sent = send_queued(command, deadline); !sent) return sent;
  }
  return ok_status();
}

}  // namespace edgehub::hub

// Getting a command to its device: publishing only while presence says the
// device is connected *and subscribed* to devices/<id>/commands (a command
// published before that SUBSCRIBE is lost), recording it as sent before the
// publish (the answer can overtake the PUBACK), and sending a device's queue
// when it comes back.
//
// Threads: publishes (QoS 1, waits for the PUBACK), so never on the broker
// connection's receive thread: REST threads (a command sent at once) and the
// command worker (deliver_queued).
#pragma once

#include <cstdint>
#include <string_view>

#include "clock/clock.h"
#include "commands/command_record.h"
#include "commands/command_store.h"
#include "commands/pending_commands.h"
#include "edgehub/common/result.h"
#include "mqtt/broker_connection.h"
#include "presence/device_presence.h"

namespace edgehub::hub {

class CommandDelivery {
 public:
  // All references must outlive the delivery. waiting: the synchronous
  // senders, woken when a queued command expires here; once closed (the hub
  // stops) nothing more is delivered.
  CommandDelivery(BrokerConnection& broker, CommandStore& store, const DevicePresence& presence,
                  PendingCommands& waiting, const Clock& clock);

  // The device is subscribed to its command topic and the hub connected to
  // the broker: a command published now reaches it.
  bool can_reach(std::string_view device_id) const;

  // Publishes to devices/<id>/commands, QoS 1, with deadline_ms. The caller
  // has recorded the command as sent.
  Status publish(const CommandRecord& command, std::int64_t deadline_ms);

  // Moves a queued command to sent and publishes it; back to queued if the
  // broker does not take it. Nothing happens if it is no longer queued
  // (sent, cancelled or expired meanwhile).
  Status send_queued(const CommandRecord& command, std::int64_t deadline_ms);

  // Sends the device's queued commands, oldest first, if it can be reached;
  // those past their expiry become expired instead. An operator's queued
  // command gets its timeout from now; a synchronous one keeps the deadline
  // its caller waits for.
  Status deliver_queued(std::string_view device_id);

 private:
  BrokerConnection& broker_;
  CommandStore& store_;
  const DevicePresence& presence_;
  PendingCommands& waiting_;
  const Clock& clock_;
};

}  // namespace edgehub::hub

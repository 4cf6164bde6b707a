// A device's answer on devices/<id>/responses: which command it decides, or
// why it goes to the dead-letter stream instead (too large, invalid, unknown
// or foreign command id, a second answer, a late one).
//
// Threads: runs on the broker connection's receive thread, which reads every
// device's messages: it never publishes (a QoS 1 publish from that thread
// would wait for a PUBACK that thread must read) and checks the size before
// parsing.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "clock/clock.h"
#include "commands/command_limits.h"
#include "commands/command_store.h"
#include "commands/pending_commands.h"
#include "edgehub/common/result.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

// Told of each answer that decided a command: the time from its sending to
// the answer (wall clock, milliseconds). Runs on the receive thread: cheap.
using RoundTripObserver = std::function<void(std::int64_t round_trip_ms)>;

class CommandAnswers {
 public:
  // All references must outlive this. waiting: the synchronous senders,
  // handed their answer.
  CommandAnswers(CommandStore& store, PendingCommands& waiting, StreamStore& dead_letters,
                 const Clock& clock);

  // Decides the command the answer is for (by id, and only from the device in
  // the topic) and wakes its sender. A late answer to a command already
  // decided (timed-out, expired, cancelled) is recorded on the command and
  // dead-lettered. An error means the store failed (nothing recorded): do not
  // acknowledge.
  Status on_response(std::string_view topic, std::string_view payload);

  // Set before the broker connection starts.
  void set_max_response_bytes(std::size_t bytes) { max_response_bytes_ = bytes; }
  // Set before the broker connection starts (hubd: the round-trip histogram).
  void set_round_trip_observer(RoundTripObserver observer) { round_trip_ = std::move(observer); }
  std::uint64_t dead_lettered() const { return dead_lettered_.load(); }

 private:
  Status dead_letter(std::string_view topic, std::string_view device_id, std::string_view payload,
                     std::string reason);

  CommandStore& store_;
  PendingCommands& waiting_;
  StreamStore& dead_letters_;
  const Clock& clock_;
  std::size_t max_response_bytes_ = CommandLimits{}.max_response_bytes;
  std::atomic<std::uint64_t> dead_lettered_{0};
  RoundTripObserver round_trip_;
};

}  // namespace edgehub::hub

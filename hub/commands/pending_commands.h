// Commands published and waiting for their device's answer, by command id.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"
#include "edgehub/protocol/payloads.h"

namespace edgehub::hub {

// What a sender or the command worker hears once the table is closed.
inline Error hub_stopping() { return make_error(ErrorCode::unavailable, "the hub is stopping"); }

class PendingCommands {
 public:
  enum class Delivery {
    delivered,         // handed to the waiting sender
    unknown_command,   // nobody waits for this id (never sent, or timed out)
    wrong_device,      // the id was sent to another device
    already_answered,  // a second answer to the same command
  };
  struct DeliveryResult {
    Delivery outcome;
    std::string addressed_device;  // for wrong_device: whom the command was for
  };

  // Registers a command before it is published: the answer may arrive before
  // the publish call returns. false once closed.
  bool add(const std::string& command_id, const std::string& device_id);

  // An answer from device_id (the device in the responses topic).
  DeliveryResult deliver(std::string_view device_id, protocol::CommandResponse response);

  // Blocks until the answer arrives (returned), the command is resolved,
  // deadline passes or the table is closed (nullopt); the command is no
  // longer pending afterwards.
  std::optional<protocol::CommandResponse> wait_and_remove(
      const std::string& command_id, std::chrono::steady_clock::time_point deadline);

  // Wakes the sender of command_id without an answer: its command reached a
  // final state some other way (cancelled, expired); it reads the store.
  void resolve(const std::string& command_id);

  // Wakes every waiting sender and refuses new commands (hub stopping).
  void close();
  bool closed() const;

  void remove(const std::string& command_id);
  std::size_t size() const;

 private:
  struct Entry {
    std::string device_id;
    std::optional<protocol::CommandResponse> response;
    bool resolved = false;
    std::condition_variable answered;
  };

  mutable std::mutex mutex_;
  bool closed_ = false;
  std::map<std::string, std::shared_ptr<Entry>, std::less<>> entries_;
};

}  // namespace edgehub::hub

// Sends a command to a device and waits for its answer: where a command's
// life is decided (validation, publish, wait, timeout, matching answers).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "clock/clock.h"
#include "commands/pending_commands.h"
#include "edgehub/common/result.h"
#include "mqtt/broker_connection.h"
#include "registry/device_registry.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

inline constexpr std::chrono::milliseconds kDefaultCommandTimeout{10000};
inline constexpr std::chrono::milliseconds kMaxCommandTimeout{300000};

struct CommandOutcome {
  std::string id;
  std::string device_id;
  std::string name;
  int status = 0;                     // the device's own status (200, 400, 404, 500, ...)
  std::string payload_json = "null";  // the device's result
  std::int64_t latency_ms = 0;        // publish to answer
};

using CommandIdGenerator = std::function<std::string()>;

class CommandDispatcher {
 public:
  // All references must outlive the dispatcher. dead_letters receives answers
  // that cannot be matched; clock stamps those records.
  CommandDispatcher(const DeviceRegistry& registry, BrokerConnection& broker,
                    StreamStore& dead_letters, const Clock& clock,
                    CommandIdGenerator new_command_id);

  // Publishes the command on devices/<id>/commands (QoS 1) and blocks until
  // the device answers or timeout passes. Errors:
  //   invalid_argument  bad name, payload not JSON, timeout outside
  //                     1 ms..kMaxCommandTimeout, the id is the hub's service
  //   not_found         the device is not registered
  //   conflict          the device is disabled
  //   unavailable       the hub is not connected to the broker, or stopping
  //   timeout           no answer in time
  Result<CommandOutcome> send(std::string_view device_id, std::string_view name,
                              std::string_view payload_json, std::chrono::milliseconds timeout);

  // A message on devices/<id>/responses. An answer to a command being waited
  // for, from the device it was sent to, completes that command; anything
  // else (invalid JSON, unknown or foreign command id, second answer) goes
  // to the dead-letter stream with the reason. An error means the store
  // failed (nothing recorded): do not acknowledge.
  Status on_response(std::string_view topic, std::string_view payload);

  // Ends every wait with unavailable and refuses new commands: called when
  // the hub stops, so that no request waits out its timeout.
  void shut_down() { pending_.close(); }

  // Commands currently waiting for an answer.
  std::size_t waiting() const { return pending_.size(); }
  // Responses recorded in the dead-letter stream so far.
  std::uint64_t dead_lettered_responses() const { return dead_lettered_.load(); }

 private:
  Status dead_letter(std::string_view topic, std::string_view device_id, std::string_view payload,
                     std::string reason);

  const DeviceRegistry& registry_;
  BrokerConnection& broker_;
  StreamStore& dead_letters_;
  const Clock& clock_;
  CommandIdGenerator new_command_id_;
  PendingCommands pending_;
  std::atomic<std::uint64_t> dead_lettered_{0};
};

}  // namespace edgehub::hub

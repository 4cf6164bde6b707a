// One command as the hub records it (commands.db): what was asked, of whom,
// and every step of its life with the time it happened.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "commands/command_state.h"

namespace edgehub::hub {

struct CommandRecord {
  std::string id;  // the hub's or the operator's (idempotency) id
  std::string device_id;
  std::string name;
  std::string payload_json = "null";
  CommandState state = CommandState::queued;
  std::uint32_t timeout_ms = 0;      // how long an answer may take once sent
  bool queued_by_operator = false;   // `send --queue`: nobody waits synchronously
  std::int64_t created_at_ms = 0;    // entered `queued`
  std::int64_t expires_at_ms = 0;    // not sent by then: `expired`
  std::optional<std::int64_t> sent_at_ms;
  std::optional<std::int64_t> deadline_ms;  // sent_at + timeout: `timed-out` after it
  std::optional<std::int64_t> finished_at_ms;  // entered its final state
  std::optional<int> response_status;
  std::optional<std::string> response_payload_json;
  std::optional<std::int64_t> responded_at_ms;  // also for a late answer (after timed-out)
  std::string job_id;  // fleet command it belongs to, if any
};

}  // namespace edgehub::hub

// The bounds of one command: how long it may wait, how many may queue per
// device, how large it and its answer may be. Defaults are hubd's unless the
// operator sets them (hubd_options).
#pragma once

#include <chrono>
#include <cstddef>

#include "edgehub/protocol/payloads.h"

namespace edgehub::hub {

inline constexpr std::chrono::milliseconds kDefaultCommandTimeout{10000};
inline constexpr std::chrono::milliseconds kMaxCommandTimeout{300000};
inline constexpr std::chrono::milliseconds kDefaultQueueTtl{std::chrono::hours(1)};
inline constexpr std::chrono::milliseconds kMaxQueueTtl{std::chrono::hours(24 * 7)};
inline constexpr std::size_t kDefaultMaxQueuedPerDevice = 100;

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

}  // namespace edgehub::hub

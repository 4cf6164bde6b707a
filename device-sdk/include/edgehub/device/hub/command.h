// Commands and their responses (docs/protocol.md section 4), without heap:
//
//   devices/<id>/commands   {"id":"c-1","name":"ping","payload":<json>,"timeout_ms":10000,
//                            "deadline_ms":1764200000000}
//   devices/<id>/responses  {"id":"c-1","status":200,"payload":<json>}
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgehub/device/status.h"

namespace edgehub::device::hub {

inline constexpr std::size_t kMaxCommandIdLength = 64;
inline constexpr std::size_t kMaxCommandNameLength = 64;

// Response status codes (HTTP-like).
inline constexpr int kStatusOk = 200;
inline constexpr int kStatusBadRequest = 400;
inline constexpr int kStatusUnknownCommand = 404;
inline constexpr int kStatusDeviceError = 500;

// 1..64 characters of [A-Za-z0-9._-].
bool is_valid_command_id(std::string_view id) noexcept;
bool is_valid_command_name(std::string_view name) noexcept;

// A parsed command. id and name are decoded copies (escapes resolved);
// payload is a view of the raw JSON text inside the message.
class Command {
 public:
  // Empty when the message carried no usable id (it cannot be answered).
  std::string_view id() const noexcept { return {id_, id_length_}; }
  std::string_view name() const noexcept { return {name_, name_length_}; }
  // The raw "payload" value; "null" when the member is absent.
  std::string_view payload() const noexcept { return payload_; }
  // 0 when absent.
  std::uint32_t timeout_ms() const noexcept { return timeout_ms_; }
  // When nobody waits for the answer any more: ms since the Unix epoch on the
  // hub's clock; 0 when absent. A device with a clock must not execute a
  // command that arrives after it (it may answer 408); one without ignores it.
  std::uint64_t deadline_ms() const noexcept { return deadline_ms_; }

 private:
  friend Status parse_command(std::string_view message, Command* command) noexcept;

  // The lengths first (small offsets: 16-bit loads and stores on Thumb-2).
  // The copies are not cleared: only their first id_length_ / name_length_
  // characters are ever read.
  std::size_t id_length_ = 0;
  std::size_t name_length_ = 0;
  std::string_view payload_ = "null";
  std::uint32_t timeout_ms_ = 0;
  std::uint64_t deadline_ms_ = 0;
  char id_[kMaxCommandIdLength];
  char name_[kMaxCommandNameLength];
};

// ok, or malformed when the message is not a valid command: broken JSON, not
// an object, "id" or "name" missing or invalid, "timeout_ms" not an unsigned
// 32-bit integer, "deadline_ms" not an unsigned 64-bit integer, a field given
// twice. After malformed, a non-empty id()
// means the sender can still be answered (status 400).
Status parse_command(std::string_view message, Command* command) noexcept;

// The envelope around a response payload takes at most this many bytes.
inline constexpr std::size_t kResponseEnvelopeOverhead = 97;

// Builds {"id":"<id>","status":<status>,"payload":<payload_json>}; an empty
// payload_json is written as null. ok, bad_parameter (invalid id, status
// outside 100..599, payload not JSON) or buffer_too_small.
Status build_command_response(std::string_view id, int status, std::string_view payload_json,
                              char* buffer, std::size_t capacity, std::size_t* length) noexcept;

}  // namespace edgehub::device::hub

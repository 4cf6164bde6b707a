// Payloads of the hub protocol (docs/protocol.md): build and parse, no I/O.
//
// JSON values travel as canonical JSON text (std::string) so that no JSON
// library type leaks through this header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"

namespace edgehub::protocol {

// Largest telemetry payload the hub accepts by default (bytes, whole envelope).
inline constexpr std::size_t kDefaultMaxPayloadBytes = 256 * 1024;
// Largest command response (devices/<id>/responses) by default, whole message.
inline constexpr std::size_t kDefaultMaxResponseBytes = 64 * 1024;
// Largest twin report (devices/<id>/reported) by default, whole message.
inline constexpr std::size_t kDefaultMaxTwinReportBytes = 32 * 1024;
// Most readings in one telemetry batch by default: one message becomes at
// most this many records or dead letters.
inline constexpr std::size_t kDefaultMaxBatchReadings = 1000;

// devices/<id>/telemetry: {"seq": <uint64>, "ts": <int64 ms, optional>, "data": <any JSON>}
struct TelemetryEnvelope {
  std::uint64_t seq = 0;
  std::optional<std::int64_t> device_time_ms;
  std::string data_json = "null";
};

// One element of a telemetry batch (docs/protocol.md 3.1): its envelope, or
// why it is invalid; text is the element as JSON (for the dead-letter stream).
struct BatchReading {
  std::optional<TelemetryEnvelope> envelope;
  std::string problem;  // set when envelope is empty
  std::string text;
};

// What a devices/<id>/telemetry payload holds: one reading (batch = false,
// always valid), or {"batch": [<telemetry>, ...]} with one reading per
// element in order, valid or not.
struct TelemetryMessage {
  bool batch = false;
  std::vector<BatchReading> readings;
};

// devices/<id>/commands: {"id": "<command id>", "name": "<name>", "payload": <JSON>,
//                         "timeout_ms": <uint32>, "deadline_ms": <ms since the epoch>}
struct CommandRequest {
  std::string id;
  std::string name;
  std::string payload_json = "null";
  std::uint32_t timeout_ms = 0;
  // The hub's clock after which nobody waits for the answer: a device with a
  // clock drops a command that arrives later. Absent: no deadline (the field
  // is left out of the message).
  std::optional<std::int64_t> deadline_ms = std::nullopt;
};

// devices/<id>/responses: {"id": "<command id>", "status": <int>, "payload": <JSON>}
struct CommandResponse {
  std::string id;
  int status = 200;
  std::string payload_json = "null";
};

// Command response status codes (HTTP-like, as Azure direct methods).
inline constexpr int kStatusOk = 200;
inline constexpr int kStatusBadRequest = 400;
inline constexpr int kStatusUnknownCommand = 404;
inline constexpr int kStatusDeviceError = 500;

// A command id: 1..64 characters of [A-Za-z0-9._-].
bool is_valid_command_id(std::string_view id) noexcept;
// A command name: 1..64 characters of [A-Za-z0-9._-].
bool is_valid_command_name(std::string_view name) noexcept;

// Parsers return invalid_argument with a reason an operator can read
// ("not valid JSON: ...", "missing field 'seq'", ...). JSON nested deeper
// than max_json_depth() (json_limits.h) is refused before it is parsed:
// "JSON nested deeper than 32 levels".
Result<TelemetryEnvelope> parse_telemetry(std::string_view payload);
// A single message or a batch; invalid_argument when the payload is neither a
// valid single message nor an object whose "batch" is a non-empty array;
// too_large ("batch too large: N readings > L") for a batch of more than
// max_batch_readings elements.
Result<TelemetryMessage> parse_telemetry_message(
    std::string_view payload, std::size_t max_batch_readings = kDefaultMaxBatchReadings);
Result<CommandRequest> parse_command(std::string_view payload);
Result<CommandResponse> parse_command_response(std::string_view payload);

// Builders expect valid JSON text in the *_json fields and throw
// std::invalid_argument otherwise (a caller bug, not input).
std::string build_telemetry(const TelemetryEnvelope& envelope);
std::string build_command(const CommandRequest& command);
std::string build_command_response(const CommandResponse& response);

// Canonical form of a JSON text, or invalid_argument with the parser's reason.
Result<std::string> canonical_json(std::string_view text);

}  // namespace edgehub::protocol

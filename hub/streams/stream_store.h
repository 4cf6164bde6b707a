// Durable, ordered, replayable event streams.
//
// Every record of a stream has a gap-free offset (0, 1, 2, ...) assigned at
// append. A record that carries a device sequence number is stored once:
// appending (stream, device_id, seq) again returns the existing offset with
// duplicate = true.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"

namespace edgehub::hub {

inline constexpr std::string_view kTelemetryStream = "telemetry";
inline constexpr std::string_view kDeadLetterStream = "deadletter";

struct NewRecord {
  std::string stream;
  std::int64_t received_at_ms = 0;
  std::string device_id;
  std::optional<std::uint64_t> seq;  // device sequence number, for de-duplication
  std::string topic;                 // MQTT topic it arrived on
  std::string payload;               // JSON text (telemetry data), or raw bytes (deadletter)
  std::optional<std::string> reason;  // why it is in the dead-letter stream
};

struct StreamRecord {
  std::string stream;
  std::uint64_t offset = 0;
  std::int64_t received_at_ms = 0;
  std::string device_id;
  std::optional<std::uint64_t> seq;
  std::string topic;
  std::string payload;
  std::optional<std::string> reason;
};

struct AppendResult {
  std::uint64_t offset = 0;
  bool duplicate = false;
};

struct StreamInfo {
  std::string name;
  std::uint64_t first_offset = 0;  // oldest retained record
  std::uint64_t next_offset = 0;   // offset the next record will get
  std::uint64_t record_count = 0;
};

class StreamStore {
 public:
  virtual ~StreamStore() = default;

  // Durable when it returns (committed). Creates the stream on first use.
  virtual Result<AppendResult> append(const NewRecord& record) = 0;
  // All or nothing, in one transaction; results in input order.
  virtual Result<std::vector<AppendResult>> append_batch(std::span<const NewRecord> records) = 0;
  // Records with offset >= from_offset, oldest first, at most limit.
  // not_found for an unknown stream.
  virtual Result<std::vector<StreamRecord>> read(std::string_view stream, std::uint64_t from_offset,
                                                 std::size_t limit) const = 0;
  virtual Result<std::vector<StreamInfo>> list() const = 0;
};

}  // namespace edgehub::hub

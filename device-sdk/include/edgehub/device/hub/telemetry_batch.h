// Batched telemetry envelope (docs/protocol.md section 3.1, accepted by the
// hub: one record per element): several readings in one MQTT message, each
// with its own seq, built into a caller-owned buffer:
//
//   {"batch":[{"seq":1,"ts":...,"data":...},{"seq":2,"data":...}]}
//
// Publish it on devices/<id>/telemetry (QoS 1) with the MQTT client
// (HubClient::mqtt()); HubClient's own telemetry path sends one message per
// reading (its offline buffer and flow control work per reading).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgehub/device/status.h"

namespace edgehub::device::hub {

class TelemetryBatch {
 public:
  TelemetryBatch(char* buffer, std::size_t capacity) noexcept;

  // Appends one reading. bad_parameter: data_json is not JSON, or seq does
  // not increase; buffer_too_small: it does not fit (with the closing
  // brackets), and the batch is unchanged, so it can be sent as it is.
  Status add(std::uint64_t seq, std::uint64_t timestamp_ms, std::string_view data_json) noexcept;
  // The finished envelope (valid until the next add()); not_found if empty.
  Status finish(std::string_view* envelope) noexcept;

  std::size_t count() const noexcept { return count_; }
  void clear() noexcept;

 private:
  char* buffer_;
  std::size_t capacity_;
  std::size_t length_ = 0;  // without the closing "]}"
  std::size_t count_ = 0;
  std::uint64_t last_seq_ = 0;
};

}  // namespace edgehub::device::hub

// The telemetry envelope of docs/protocol.md section 3, built into a
// caller-owned buffer:
//
//   {"seq":<seq>,"ts":<timestamp_ms>,"data":<data_json>}
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgehub/device/status.h"

namespace edgehub::device::hub {

// Passed as timestamp_ms when the device has no wall clock: "ts" is left out.
inline constexpr std::uint64_t kNoTimestamp = 0;

// Bytes the envelope around data_json takes at most (seq and ts of 20 digits).
inline constexpr std::size_t kTelemetryEnvelopeOverhead = 64;

// ok (*length set, not NUL-terminated), bad_parameter (data_json is not one
// JSON value) or buffer_too_small.
Status build_telemetry(std::uint64_t seq, std::uint64_t timestamp_ms, std::string_view data_json,
                       char* buffer, std::size_t capacity, std::size_t* length) noexcept;

}  // namespace edgehub::device::hub

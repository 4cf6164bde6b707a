// Back-pressure (docs/protocol.md section 3.2): the hub tells a device on
// devices/<id>/flow that its telemetry is refused (a full stream with
// when_full: reject; or the broker's journal cannot take it, and then
// nothing acknowledged was refused: no first_refused_seq) and, later, that it
// is accepted again:
//
//   {"state":"paused","stream":"telemetry","retry_after_ms":1000,"first_refused_seq":N}
//   {"state":"paused","reason":"journal_unavailable","retry_after_ms":5000}
//   {"state":"resumed","stream":"telemetry"}
//
// HubClient subscribes to flow after every connect. On paused it stops
// publishing telemetry and keeps it in the offline buffer, including the
// message with first_refused_seq and those sent after it (acknowledged by the
// broker but not stored by the hub: the SDK keeps acknowledged copies for
// this, and all of them go again; without first_refused_seq only the sending
// waits); on resumed, or when retry_after_ms has
// passed without it, it sends them in seq order. The application hears of
// both through on_flow.
#pragma once

#include <cstdint>
#include <string_view>

#include "edgehub/device/status.h"

namespace edgehub::device::hub {

enum class FlowState : std::uint8_t { resumed, paused };

struct FlowNotice {
  FlowState state = FlowState::resumed;
  std::uint64_t first_refused_seq = 0;  // paused only; 0 if absent
  std::uint32_t retry_after_ms = 0;     // paused only; 0 if absent
};

// ok, or malformed: broken JSON, not an object, "state" missing or neither
// "paused" nor "resumed", a number that is not an unsigned integer in range.
// Other members ("stream", "reason") are ignored.
Status parse_flow(std::string_view message, FlowNotice* notice) noexcept;

}  // namespace edgehub::device::hub

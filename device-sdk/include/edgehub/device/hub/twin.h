// Twins (docs/protocol.md section 4.4), without heap:
//
//   devices/<id>/desired   {"version":N,"desired":{...},"patch":<merge patch>|null}   hub -> device
//   devices/<id>/reported  {"version":V,"reported":{...},"desired_version":N}        device -> hub
//
// HubClient, once the application sets on_desired (twins are opt in),
// subscribes to desired after every connect, hands each document with a
// version above the applied one to on_desired; it publishes reports
// (HubClient::report_properties) with or without it. These two functions are
// the codec, for applications that own their MQTT stack.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgehub/device/status.h"

namespace edgehub::device::hub {

// A parsed desired document: views into the message text.
struct DesiredDocument {
  std::uint64_t version = 0;  // >= 1
  std::string_view desired;   // the whole desired object, raw JSON text
  std::string_view patch;     // the change (raw JSON), "null" when sent on connect or absent
};

// ok, or malformed: broken JSON, not an object, "version" missing / not an
// unsigned integer >= 1, "desired" missing / not an object, a field given twice.
Status parse_desired(std::string_view message, DesiredDocument* document) noexcept;

// Passed as desired_version when the report does not say which desired
// version is applied: the member is left out.
inline constexpr std::uint64_t kNoDesiredVersion = 0;

// Bytes the envelope around reported_json takes at most (two 20-digit numbers).
inline constexpr std::size_t kReportedEnvelopeOverhead = 80;

// Builds {"version":V,"reported":<reported_json>,"desired_version":N}
// ("desired_version" left out for kNoDesiredVersion). ok, bad_parameter
// (version 0, reported_json not a JSON object) or buffer_too_small.
Status build_reported(std::uint64_t version, std::string_view reported_json,
                      std::uint64_t desired_version, char* buffer, std::size_t capacity,
                      std::size_t* length) noexcept;

}  // namespace edgehub::device::hub

// The hub's MQTT topic scheme (docs/protocol.md), as pure code.
//
// Usable from the device SDK core: C++17, no exceptions, no RTTI, no heap.
// Builders write into caller-owned buffers; parsers return views into the
// caller's string.
#pragma once

#include <cstddef>
#include <string_view>

namespace edgehub::protocol {

inline constexpr std::size_t kMaxDeviceIdLength = 64;

// Longest topic this scheme produces: "devices/" + id + "/" + longest leaf.
inline constexpr std::size_t kMaxTopicLength = 8 + kMaxDeviceIdLength + 1 + 9;

enum class TopicKind {
  telemetry,  // device -> hub, QoS 1
  commands,   // hub -> device, QoS 1
  responses,  // device -> hub, QoS 1 (answers to commands)
  flow,       // hub -> device, QoS 1 (back-pressure: pause / resume telemetry)
  desired,    // hub -> device, QoS 1 (twin: desired properties and their version)
  reported,   // device -> hub, QoS 1 (twin: reported properties)
};

// Filters the hub subscribes to.
inline constexpr std::string_view kTelemetryFilter = "devices/+/telemetry";
inline constexpr std::string_view kResponsesFilter = "devices/+/responses";
inline constexpr std::string_view kReportedFilter = "devices/+/reported";

// A device id is 1..64 characters of [A-Za-z0-9._-], not starting with '.' or
// '-'. It never contains MQTT wildcards or separators, so it can be embedded
// in a topic and used as a file name.
bool is_valid_device_id(std::string_view device_id) noexcept;

std::string_view topic_leaf(TopicKind kind) noexcept;

// Writes "devices/<id>/<leaf>" (not NUL-terminated) into buffer and returns
// its length; returns 0 if the id is invalid or the buffer is too small.
std::size_t build_device_topic(TopicKind kind, std::string_view device_id, char* buffer,
                               std::size_t capacity) noexcept;

struct ParsedTopic {
  TopicKind kind;
  std::string_view device_id;  // view into the parsed topic
};

// Parses "devices/<id>/<leaf>"; false for anything else.
bool parse_device_topic(std::string_view topic, ParsedTopic& out) noexcept;

// Topic confinement for devices, enforced by the broker plugin: a device may
// publish only its own telemetry, responses and reported (twin) topics, and
// subscribe to / receive only its own commands, flow and desired topics. Filters with wildcards are refused.
bool device_may_publish(std::string_view device_id, std::string_view topic) noexcept;
bool device_may_subscribe(std::string_view device_id, std::string_view filter) noexcept;
bool device_may_receive(std::string_view device_id, std::string_view topic) noexcept;

}  // namespace edgehub::protocol

// MQTT 3.1.1 packet types and the plain structs the codec reads and writes.
// Strings and payloads are views into caller memory: nothing is copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace edgehub::device::mqtt {

enum class PacketType : std::uint8_t {
  connect = 1,
  connack = 2,
  publish = 3,
  puback = 4,
  pubrec = 5,
  pubrel = 6,
  pubcomp = 7,
  subscribe = 8,
  suback = 9,
  unsubscribe = 10,
  unsuback = 11,
  pingreq = 12,
  pingresp = 13,
  disconnect = 14,
};

// QoS 2 is not supported by this client.
enum class QoS : std::uint8_t { at_most_once = 0, at_least_once = 1 };

// Largest value the remaining-length field can carry (4 bytes of 7 bits).
inline constexpr std::size_t kMaxRemainingLength = 268'435'455;
// Largest fixed header: one type byte plus four length bytes.
inline constexpr std::size_t kMaxFixedHeaderLength = 5;
// Strings in MQTT are prefixed by a 16-bit length.
inline constexpr std::size_t kMaxStringLength = 65'535;

struct Will {
  std::string_view topic;
  std::string_view payload;
  QoS qos = QoS::at_most_once;
  bool retain = false;
};

struct ConnectOptions {
  // Must not be empty unless clean_session is true ([MQTT-3.1.3-7]).
  std::string_view client_id;
  bool clean_session = true;
  // Seconds; 0 turns keepalive off.
  std::uint16_t keepalive_seconds = 60;
  std::optional<std::string_view> username;
  // A password needs a username in MQTT 3.1.1.
  std::optional<std::string_view> password;
  const Will* will = nullptr;
};

// CONNACK return codes.
enum class ConnackCode : std::uint8_t {
  accepted = 0,
  unacceptable_protocol_version = 1,
  identifier_rejected = 2,
  server_unavailable = 3,
  bad_username_or_password = 4,
  not_authorized = 5,
};

struct Connack {
  bool session_present = false;
  std::uint8_t return_code = 0;  // a ConnackCode value
};

struct PublishInfo {
  std::string_view topic;
  std::string_view payload;
  QoS qos = QoS::at_most_once;
  bool retain = false;
  // Set when the message is sent again with the same packet id (QoS 1 only).
  bool duplicate = false;
};

struct Subscription {
  std::string_view filter;
  QoS qos = QoS::at_least_once;
};

// SUBACK return code for a refused subscription.
inline constexpr std::uint8_t kSubackFailure = 0x80;

struct Suback {
  std::uint16_t packet_id = 0;
  // One code per filter of the SUBSCRIBE: 0, 1, 2 (granted QoS) or 0x80.
  const std::uint8_t* return_codes = nullptr;
  std::size_t return_code_count = 0;
};

// A whole packet as received: the fixed header's first byte and a view of the
// bytes after the fixed header (exactly remaining-length bytes).
struct Packet {
  std::uint8_t first_byte = 0;
  const std::uint8_t* body = nullptr;
  std::size_t body_length = 0;

  PacketType type() const noexcept { return static_cast<PacketType>(first_byte >> 4); }
  std::uint8_t flags() const noexcept { return first_byte & 0x0F; }
};

}  // namespace edgehub::device::mqtt

// The device's side of the hub protocol (docs/protocol.md) over the MQTT
// client: telemetry with the device's seq, commands in, responses out.
//
//   topics      devices/<id>/telemetry, devices/<id>/commands, devices/<id>/responses
//               (built with common/'s edgehub::protocol::build_device_topic)
//   telemetry   send_telemetry() wraps the caller's JSON in {"seq","ts","data"},
//               publishes it QoS 1 and reports its PUBACK by seq
//   commands    subscribed after every CONNACK; each one is answered exactly
//               once, QoS 1: "ping" and "set-interval" by the SDK, others by
//               on_command, 404 without it
//
// Like the MQTT client it owns no memory, does no I/O of its own and never
// blocks; process() drives everything. Error policy: Status everywhere;
// process() returns ok, or a status that ended the connection (state() is
// disconnected): close the transport and connect() again. Problems with incoming messages that do
// not end the connection (a malformed command, an oversized message) are
// reported through on_problem, never dropped silently.
//
// Reconnect policy (backoff, jitter) is the application's: the transport is
// created outside the SDK. What survives a reconnect with
// clean_session=false: unacknowledged telemetry (resend_telemetry()), a
// response not sent yet. Responses sent but not acknowledged are given up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgehub/device/clock.h"
#include "edgehub/device/hub/command.h"
#include "edgehub/device/hub/sent_messages.h"
#include "edgehub/device/hub/telemetry.h"
#include "edgehub/device/mqtt/client.h"
#include "edgehub/device/status.h"
#include "edgehub/device/transport.h"
#include "edgehub/protocol/topics.h"

namespace edgehub::device::hub {

struct HubClientBuffers {
  mqtt::ClientBuffers mqtt;
  // One telemetry envelope: the largest data plus kTelemetryEnvelopeOverhead.
  char* telemetry = nullptr;
  std::size_t telemetry_capacity = 0;
  // One command response: the largest reply payload plus
  // kResponseEnvelopeOverhead; at least kMinResponseCapacity.
  char* response = nullptr;
  std::size_t response_capacity = 0;
};

inline constexpr std::size_t kMinResponseCapacity = kResponseEnvelopeOverhead + 64;

// What an on_command handler answers: it writes a JSON value of at most
// `capacity` bytes to `payload`, sets `length` (0 means null) and `status`.
struct CommandReply {
  int status = kStatusOk;
  char* payload = nullptr;
  std::size_t capacity = 0;
  std::size_t length = 0;
};

struct HubCallbacks {
  void* context = nullptr;
  // The broker acknowledged the telemetry message with this seq.
  void (*on_telemetry_acknowledged)(void* context, std::uint64_t seq) = nullptr;
  // A valid "set-interval" ({"interval_ms": N}, 10 <= N < 2^32): the
  // application changes its telemetry interval; the SDK answers 200
  // {"interval_ms":N} (or 400 for a bad payload). Without this callback
  // set-interval goes to on_command like any other name.
  void (*on_set_interval)(void* context, std::uint32_t interval_ms) = nullptr;
  // Any other command. Without it the SDK answers 404 {"error":"unknown command"}.
  void (*on_command)(void* context, const Command& command, CommandReply& reply) = nullptr;
  // Something arrived that could not be used, with what happened.
  void (*on_problem)(void* context, Status status, const char* what) = nullptr;
};

struct HubConnectOptions {
  // false keeps the broker session: commands wait for a briefly offline device.
  bool clean_session = false;
  std::uint16_t keepalive_seconds = 30;
  std::uint32_t connack_timeout_ms = 10'000;
};

enum class HubState : std::uint8_t {
  disconnected,
  connecting,     // waiting for CONNACK
  subscribing,    // connected, waiting for the SUBACK of the command topic
  ready,          // connected and subscribed
  disconnecting,  // DISCONNECT queued
};

struct HubStatistics {
  std::uint32_t telemetry_sent = 0;
  std::uint32_t telemetry_acknowledged = 0;
  std::uint32_t commands_received = 0;
  std::uint32_t commands_answered = 0;  // responses handed to MQTT
  std::uint32_t problems = 0;           // reports made through on_problem
};

class HubClient {
 public:
  // device_id must be a valid device id (checked by connect()).
  HubClient(std::string_view device_id, const Transport& transport, const Clock& clock,
            const HubClientBuffers& buffers, const HubCallbacks& callbacks) noexcept;

  HubClient(const HubClient&) = delete;
  HubClient& operator=(const HubClient&) = delete;

  // Connects as client id = device id. bad_parameter for an invalid device
  // id, buffer_too_small for unusable buffers, wrong_state if connected.
  Status connect(const HubConnectOptions& options) noexcept;
  Status process() noexcept;
  Status disconnect() noexcept;
  // The application lost or closed the transport.
  void connection_lost() noexcept;
  // Between connections: the next connection's transport.
  Status set_transport(const Transport& transport) noexcept;

  // Publishes {"seq":<next seq>,"ts":<timestamp_ms>,"data":<data_json>} QoS 1
  // and stores the seq used in *seq. timestamp_ms kNoTimestamp leaves "ts"
  // out. busy: retry after process(); bad_parameter: data_json is not JSON.
  Status send_telemetry(std::string_view data_json, std::uint64_t timestamp_ms,
                        std::uint64_t* seq) noexcept;
  // Sends an unacknowledged message again (same seq, same packet id, DUP),
  // typically after a reconnect with clean_session=false. not_found if seq is
  // not waiting for its acknowledgement.
  Status resend_telemetry(std::uint64_t seq, std::uint64_t timestamp_ms,
                          std::string_view data_json) noexcept;

  // seq values must increase also across reboots: a device without storage
  // starts from its clock in microseconds (docs/protocol.md section 3).
  void set_next_seq(std::uint64_t seq) noexcept { next_seq_ = seq; }
  std::uint64_t next_seq() const noexcept { return next_seq_; }

  HubState state() const noexcept;
  std::string_view device_id() const noexcept { return device_id_; }
  const HubStatistics& statistics() const noexcept { return statistics_; }
  std::size_t unacknowledged_telemetry() const noexcept { return sent_.telemetry_count(); }
  bool has_pending_send() const noexcept { return mqtt_.has_pending_send(); }
  mqtt::Client& mqtt() noexcept { return mqtt_; }

 private:
  static mqtt::Delivery on_publish(void* context, const mqtt::PublishInfo& message) noexcept;
  static void on_puback(void* context, std::uint16_t packet_id) noexcept;
  static void on_suback(void* context, const mqtt::Suback& suback) noexcept;
  static void on_dropped(void* context, Status reason, std::uint16_t packet_id) noexcept;

  mqtt::Delivery handle_command(std::string_view message) noexcept;
  int answer(const Command& command, bool parsed, CommandReply& reply) noexcept;
  int answer_set_interval(const Command& command, CommandReply& reply) noexcept;
  void finish_response(std::string_view id, int status, std::size_t payload_length) noexcept;
  void send_pending_response() noexcept;
  Status subscribe_to_commands() noexcept;
  std::uint64_t uptime_ms() noexcept;
  void report(Status status, const char* what) noexcept;

  char device_id_storage_[protocol::kMaxDeviceIdLength] = {};
  std::string_view device_id_;
  char telemetry_topic_[protocol::kMaxTopicLength] = {};
  char commands_topic_[protocol::kMaxTopicLength] = {};
  char responses_topic_[protocol::kMaxTopicLength] = {};
  std::size_t telemetry_topic_length_ = 0;
  std::size_t commands_topic_length_ = 0;
  std::size_t responses_topic_length_ = 0;

  mqtt::Client mqtt_;
  Clock clock_;
  HubClientBuffers buffers_;
  HubCallbacks callbacks_;
  SentMessages sent_;
  HubStatistics statistics_;
  std::uint64_t next_seq_ = 1;

  std::uint16_t subscribe_packet_id_ = 0;  // 0 until SUBSCRIBE is queued
  bool subscribed_ = false;
  bool subscription_refused_ = false;

  // The response being sent: response buffer [begin, begin + length).
  bool response_pending_ = false;
  std::size_t response_begin_ = 0;
  std::size_t response_length_ = 0;

  std::uint64_t uptime_ms_ = 0;
  std::uint32_t uptime_checked_ms_ = 0;
};

}  // namespace edgehub::device::hub

// The device's side of the hub protocol (docs/protocol.md) over the MQTT
// client: telemetry with the device's seq, commands in, responses out.
//
//   topics      devices/<id>/telemetry, devices/<id>/commands, devices/<id>/responses
//               (built with common/'s edgehub::protocol::build_device_topic)
//   telemetry   send_telemetry() wraps the caller's JSON in {"seq","ts","data"}
//               and stores it in the offline buffer; process() publishes it
//               QoS 1 whenever connected and reports its PUBACK by seq
//   commands    subscribed after every CONNACK; each one is answered exactly
//               once, QoS 1: "ping" and "set-interval" by the SDK, others by
//               on_command, 404 without it
//
// Like the MQTT client it owns no memory, does no I/O of its own and never
// blocks; process() drives everything. Error policy: Status everywhere;
// process() returns ok, or a status that ended the connection (state() is
// disconnected): close the transport and connect() again (see
// reliability::ReconnectSchedule for when). Problems with incoming messages
// that do not end the connection (a malformed command, an oversized message)
// are reported through on_problem, never dropped silently.
//
// What survives a reconnect: every telemetry message not yet acknowledged
// (in the offline buffer; with clean_session=false the ones in flight go
// again with their packet id and DUP, the others as new publishes), the
// subscription (renewed after every CONNACK) and a response not sent yet.
// Responses sent but not acknowledged are given up. With a persistent
// Storage the offline buffer also survives a reboot: its messages go again
// with their seq (the hub keeps one record per seq).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "edgehub/device/clock.h"
#include "edgehub/device/hub/command.h"
#include "edgehub/device/hub/sent_messages.h"
#include "edgehub/device/hub/telemetry.h"
#include "edgehub/device/mqtt/client.h"
#include "edgehub/device/reliability/offline_buffer.h"
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
  // Telemetry not yet acknowledged, opened (OfflineBuffer::open()). Each
  // record holds one envelope, so the largest message needs
  // OfflineBuffer::kRecordOverhead + telemetry_capacity bytes of it.
  reliability::OfflineBuffer* offline = nullptr;
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
  // The offline buffer was full (policy drop_oldest) and gave up this message
  // unacknowledged to make room for a newer one.
  void (*on_telemetry_dropped)(void* context, std::uint64_t seq) = nullptr;
  // A valid "set-interval" ({"interval_ms": N}, 10 <= N < 2^32): the
  // application changes its telemetry interval; the SDK answers 200
  // {"interval_ms":N} (or 400 for a bad payload). Without this callback
  // set-interval goes to on_command like any other name.
  void (*on_set_interval)(void* context, std::uint32_t interval_ms) = nullptr;
  // Any other command. Without it the SDK answers 404 {"error":"unknown command"}.
  void (*on_command)(void* context, const Command& command, CommandReply& reply) = nullptr;
  // Something arrived that could not be used, with what happened: a text,
  // or "" where EDGEHUB_DEVICE_PROBLEM_TEXT is 0 (the default without an OS).
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
  std::uint32_t telemetry_dropped = 0;  // by the offline buffer's drop_oldest
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

  // Stores {"seq":<next seq>,"ts":<timestamp_ms>,"data":<data_json>} in the
  // offline buffer and sends it QoS 1 as soon as the connection allows (at
  // once if connected); *seq receives its seq. Works while disconnected.
  //   bad_parameter     data_json is not JSON
  //   buffer_too_small  the envelope does not fit the telemetry, send or
  //                     offline buffer: it never can
  //   queue_full        the offline buffer is full (policy refuse_newest)
  //   storage_failed    the offline buffer's storage failed
  //   wrong_state       the offline buffer is missing or not opened
  // With drop_oldest a full buffer drops its oldest messages instead
  // (on_telemetry_dropped). seq only advances when the message was stored.
  Status send_telemetry(std::string_view data_json, std::uint64_t timestamp_ms,
                        std::uint64_t* seq) noexcept;

  // seq values must increase also across reboots: a device without storage
  // starts from its clock in microseconds (docs/protocol.md section 3). A
  // persistent offline buffer keeps the last seq: send_telemetry() never uses
  // one at or below OfflineBuffer::last_seq().
  void set_next_seq(std::uint64_t seq) noexcept { next_seq_ = seq; }
  std::uint64_t next_seq() const noexcept { return next_seq_; }

  HubState state() const noexcept;
  std::string_view device_id() const noexcept { return device_id_; }
  const HubStatistics& statistics() const noexcept { return statistics_; }
  // Messages in the offline buffer: not yet acknowledged (in flight or waiting).
  std::size_t unacknowledged_telemetry() const noexcept;
  bool has_pending_send() const noexcept { return mqtt_.has_pending_send(); }
  mqtt::Client& mqtt() noexcept { return mqtt_; }

 private:
  static mqtt::Delivery on_publish(void* context, const mqtt::PublishInfo& message) noexcept;
  static void on_puback(void* context, std::uint16_t packet_id) noexcept;
  static void on_suback(void* context, const mqtt::Suback& suback) noexcept;
  static void on_dropped(void* context, Status reason, std::uint16_t packet_id) noexcept;
  static void on_offline_drop(void* context, std::uint64_t seq) noexcept;

  void publish_stored() noexcept;
  Status publish_record(const reliability::StoredMessage& message) noexcept;
  Status publish_tracked(const mqtt::PublishInfo& publish, bool is_telemetry,
                         std::uint64_t seq) noexcept;
  void remove_acknowledged() noexcept;
  void release_sent(bool telemetry) noexcept;
  void forget_stored() noexcept;

  mqtt::Delivery handle_command(std::string_view message) noexcept;
  int answer(const Command& command, bool parsed, CommandReply& reply) noexcept;
  int answer_set_interval(const Command& command, CommandReply& reply) noexcept;
  void finish_response(std::string_view id, int status, std::size_t payload_length) noexcept;
  void send_pending_response() noexcept;
  Status subscribe_to_commands() noexcept;
  std::uint64_t uptime_ms() noexcept;
  // A QoS 1 message to one of the device's topics.
  mqtt::PublishInfo message_to(protocol::TopicKind kind, const char* payload,
                               std::size_t length) const noexcept;
  void report(Status status, const char* what) noexcept;
  std::string_view topic(protocol::TopicKind kind) const noexcept {
    const auto index = static_cast<std::size_t>(kind);
    return {topics_[index], topic_lengths_[index]};
  }

  char device_id_storage_[protocol::kMaxDeviceIdLength];  // device_id_ views its start
  std::string_view device_id_;
  // Indexed by protocol::TopicKind: telemetry, commands, responses.
  char topics_[3][protocol::kMaxTopicLength];
  std::size_t topic_lengths_[3] = {};

  mqtt::Client mqtt_;
  Clock clock_;
  HubClientBuffers buffers_;
  HubCallbacks callbacks_;
  SentMessages sent_;
  HubStatistics statistics_;
  std::uint64_t next_seq_ = 1;

  // The next offline-buffer message to publish on this connection: its
  // position, and how many messages before it (from the head) are done.
  std::uint32_t cursor_position_ = 0;
  std::size_t cursor_index_ = 0;

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

// The device's side of the hub protocol (docs/protocol.md) over the MQTT
// client: telemetry with the device's seq, commands in, responses out, twin
// (desired in, reported out) and flow control.
//
//   topics      devices/<id>/{telemetry,commands,responses,flow,desired,reported}
//               (leaves from common/'s edgehub::protocol::topic_leaf)
//   telemetry   send_telemetry() wraps the caller's JSON in {"seq","ts","data"}
//               and stores it in the offline buffer; process() publishes it
//               QoS 1 whenever connected and reports its PUBACK by seq
//   commands    subscribed after every CONNACK; each one is answered exactly
//               once, QoS 1: "ping" and "set-interval" by the SDK, others by
//               on_command, 404 without it
//   twin        opt in: only with on_desired set is desired subscribed
//               after every CONNACK (and the twin handling linked, see
//               DesiredCallback); a document with a version above
//               desired_version() goes to on_desired, older or equal ones
//               (redeliveries) are ignored; report_properties() (linked
//               when called, with or without on_desired) publishes
//               {"version","reported","desired_version"} QoS 1
//   flow        flow subscribed after every CONNACK; "paused" stops
//               telemetry (the acknowledged copies kept in the offline buffer
//               become pending again), "resumed" (or retry_after_ms without
//               it) sends it in seq order; both to on_flow
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
// subscriptions (renewed after every CONNACK), a response and a twin report
// not sent yet, desired_version(), a pause (flow). Responses and reports
// sent but not acknowledged are given up. With a persistent
// Storage the offline buffer also survives a reboot: its messages go again
// with their seq (the hub keeps one record per seq).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "edgehub/device/clock.h"
#include "edgehub/device/hub/command.h"
#include "edgehub/device/hub/flow.h"
#include "edgehub/device/hub/telemetry.h"
#include "edgehub/device/hub/twin.h"
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
  // One twin report: the largest reported object plus
  // kReportedEnvelopeOverhead. Optional: without it report_properties()
  // returns buffer_too_small.
  char* report = nullptr;
  std::size_t report_capacity = 0;
};

inline constexpr std::size_t kMinResponseCapacity = kResponseEnvelopeOverhead + 64;

class HubClient;

namespace detail {

// The twin handling of incoming messages (twin_client.cpp): true if `leaf`
// is "desired" and the document was handled (applied, ignored as a
// redelivery, or reported malformed); false for any other leaf.
bool handle_twin_message(HubClient& client, std::string_view leaf,
                         std::string_view message) noexcept;

}  // namespace detail

// HubCallbacks::on_desired: the application's function, and with it the
// switch that turns twins on. Setting a function (`callbacks.on_desired =
// &apply;`, a captureless lambda too) also installs the twin handling of
// twin_client.cpp. The converting constructor that does it is inline, so the
// one reference to the twin handling is in the application's code: with
// --gc-sections a device that never sets on_desired links none of it
// (parse_desired, the desired dispatch) and does not subscribe to
// devices/<id>/desired at all (docs/device-sdk-footprint.md).
class DesiredCallback {
 public:
  using Function = void (*)(void* context, std::uint64_t version, std::string_view desired_json);
  using Handler = bool (*)(HubClient& client, std::string_view leaf,
                           std::string_view message) noexcept;

  constexpr DesiredCallback() noexcept = default;
  // Implicit from whatever the function pointer it replaces took (a
  // function, a captureless lambda, nullptr): assignment, HubCallbacks{...},
  // designated initialisers.
  template <class F, class = std::enable_if_t<std::is_convertible_v<F, Function>>>
  constexpr DesiredCallback(F function) noexcept
      : function_(function),
        handler_(function_ != nullptr ? &detail::handle_twin_message : nullptr) {}
  // Reads like the plain function pointer it used to be: compare, call.
  constexpr operator Function() const noexcept { return function_; }
  // Null while twins are off.
  constexpr Handler handler() const noexcept { return handler_; }

 private:
  Function function_ = nullptr;
  Handler handler_ = nullptr;
};

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
  // Twins (opt in): setting it subscribes the device to devices/<id>/desired
  // after every CONNACK. A desired document whose version is above
  // desired_version(): apply desired_json (the whole desired object, raw
  // JSON; a view into the receive buffer, valid during the call) and report
  // (report_properties(), also from inside this call). desired_version() is
  // `version` once it returns; persist it if the device has storage. Older or
  // equal versions (redeliveries, the document re-sent on every connect) are
  // not delivered. Without it a desired message (only possible from a broker
  // session kept from firmware that subscribed) is acknowledged and reported
  // through on_problem (protocol_error, a topic the device did not subscribe to).
  DesiredCallback on_desired;
  // The hub paused or resumed this device's telemetry (docs/protocol.md
  // section 3.2). The SDK already acts on it: nothing is lost while paused,
  // send_telemetry() keeps storing in the offline buffer. When retry_after_ms
  // passes without "resumed" the SDK tries again and reports "resumed" here
  // (a hub still full pauses it again). Refused messages whose copies had to
  // make room before the notice came are reported through on_problem
  // (Status::queue_full).
  void (*on_flow)(void* context, const FlowNotice& notice) = nullptr;
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
  subscribing,    // connected, waiting for the SUBACK of commands, flow (and desired)
  ready,          // connected and subscribed to all of them
  disconnecting,  // DISCONNECT queued
};

struct HubStatistics {
  std::uint32_t telemetry_sent = 0;
  std::uint32_t telemetry_acknowledged = 0;
  std::uint32_t telemetry_dropped = 0;  // by the offline buffer's drop_oldest
  std::uint32_t commands_received = 0;
  std::uint32_t commands_answered = 0;  // responses handed to MQTT
  std::uint32_t problems = 0;           // reports made through on_problem
  std::uint32_t desired_applied = 0;    // documents handed to on_desired
  std::uint32_t reports_sent = 0;       // twin reports handed to MQTT
  std::uint32_t flow_pauses = 0;        // "paused" notices received
};

namespace detail {

// HubClient's plain state (flags, counters, positions, the copies of its
// constructor's arguments), in one base that its
// constructor value-initialises: zeroed in one go instead of member by
// member (docs/device-sdk-footprint.md). It comes first in the object, and
// the small members used most come first in it: Thumb-2 has 16-bit loads and
// stores only for small offsets (bytes below 32, words below 128 from
// `this`).
struct HubClientState {
  bool paused_ = false;
  bool rewound_ = false;  // a pause moved kept_ back on this connection
  bool subscribed_ = false;
  bool subscription_refused_ = false;
  // The response being sent: response buffer [begin, begin + length).
  bool response_pending_ = false;
  // The twin report waiting for the connection: report buffer [0, length).
  bool report_pending_ = false;
  std::uint16_t subscribe_packet_id_ = 0;  // 0 until SUBSCRIBE is queued
  // Of "devices/<id>/" at the start of topic_; 0 for an invalid id.
  std::size_t prefix_length_ = 0;

  // The next offline-buffer message to publish on this connection: its
  // position, and how many messages before it (from the head) are done.
  std::uint32_t cursor_position_ = 0;
  std::size_t cursor_index_ = 0;
  // Flow control: the first kept_ messages of the offline buffer are
  // acknowledged copies (the hub may still report them refused);
  // pending_position_ is where the others start.
  std::size_t kept_ = 0;
  std::uint32_t pending_position_ = 0;
  std::uint32_t retry_after_ms_ = 0;  // of the last "paused"; 0: wait for "resumed"

  std::size_t response_begin_ = 0;
  std::size_t response_length_ = 0;
  std::size_t report_length_ = 0;
  std::uint32_t uptime_checked_ms_ = 0;

  // Copies of the constructor's arguments.
  HubClientBuffers buffers_;
  HubCallbacks callbacks_;
  Clock clock_;
  HubStatistics statistics_;
  std::string_view device_id_;  // inside HubClient::topic_

  std::uint64_t next_seq_ = 1;
  std::uint64_t paused_at_ms_ = 0;  // uptime at the last "paused"
  std::uint64_t next_report_version_ = 1;
  std::uint64_t desired_version_ = 0;
  std::uint64_t uptime_ms_ = 0;
};

}  // namespace detail

class HubClient : private detail::HubClientState {
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

  // Twin: the highest desired version applied. Set it at start from storage
  // (0 = none: the first document is always delivered).
  void set_desired_version(std::uint64_t version) noexcept { desired_version_ = version; }
  std::uint64_t desired_version() const noexcept { return desired_version_; }

  // Publishes {"version":<next report version>,"reported":<reported_json>,
  // "desired_version":<desired_version>} ("desired_version" left out for
  // kNoDesiredVersion) on devices/<id>/reported, QoS 1: at once if the
  // connection allows, else from process() once connected. *version (if not
  // null) receives the report version used.
  //   ok                built; sent or waiting for the connection
  //   busy              the previous report has not been handed to MQTT yet
  //   bad_parameter     reported_json is not a JSON object
  //   buffer_too_small  no report buffer, or it / the send buffer is too small
  // Like a command response, a report handed to MQTT but not acknowledged
  // when the connection drops is not sent again.
  Status report_properties(std::string_view reported_json, std::uint64_t desired_version,
                           std::uint64_t* version) noexcept;
  // Report versions must increase also across reboots (the hub refuses a
  // version not above the stored one as stale). The SDK counts up from the
  // value set here (default 1); a device seeds it at start from storage or
  // from its wall clock in seconds (docs/protocol.md section 4.4).
  void set_next_report_version(std::uint64_t version) noexcept { next_report_version_ = version; }
  std::uint64_t next_report_version() const noexcept { return next_report_version_; }

  // Flow control: paused from a "paused" notice until "resumed", or until its
  // retry_after_ms has passed (then the SDK tries again; a hub still full
  // pauses it again). A pause outlasts a reconnect.
  FlowState flow_state() const noexcept { return paused_ ? FlowState::paused : FlowState::resumed; }

  HubState state() const noexcept;
  std::string_view device_id() const noexcept { return device_id_; }
  const HubStatistics& statistics() const noexcept { return statistics_; }
  // Messages in the offline buffer still to be acknowledged (in flight,
  // waiting, or refused by a paused hub), without the acknowledged copies the
  // buffer keeps for flow control (config::kKeepAcknowledged).
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
  void restart_cursor() noexcept;
  friend bool detail::handle_twin_message(HubClient& client, std::string_view leaf,
                                          std::string_view message) noexcept;
  void handle_flow(std::string_view message) noexcept;
  void pause(const FlowNotice& notice) noexcept;
  bool publish_waiting(protocol::TopicKind kind, const char* data, std::size_t length,
                       std::uint32_t* counter) noexcept;
  Status publish_record(const reliability::StoredMessage& message) noexcept;
  void remove_acknowledged(std::uint64_t seq) noexcept;
  void release_sent(bool telemetry) noexcept;
  void forget_stored() noexcept;

  mqtt::Delivery handle_command(std::string_view message) noexcept;
  int answer(const Command& command, bool parsed, CommandReply& reply) noexcept;
  int answer_set_interval(const Command& command, CommandReply& reply) noexcept;
  void finish_response(std::string_view id, int status, std::size_t payload_length) noexcept;
  void send_pending_response() noexcept;
  void send_pending_report() noexcept;
  Status subscribe() noexcept;
  std::size_t subscription_count() const noexcept;
  std::uint64_t uptime_ms() noexcept;
  // A QoS 1 message to one of the device's topics (built in topic_: valid
  // until the next call).
  mqtt::PublishInfo message_to(protocol::TopicKind kind, const char* payload,
                               std::size_t length) noexcept;
  // Writes "devices/<id>/<leaf>" to out (kMaxTopicLength bytes, may be topic_).
  std::string_view build_topic(protocol::TopicKind kind, char* out) const noexcept;
  // What follows "devices/<id>/" in topic; empty if it is not the device's.
  std::string_view leaf_of(std::string_view topic) const noexcept;
  void report(Status status, const char* what) noexcept;

  // After the plain state (detail::HubClientState) the tables and buffers.

  // commands, flow; desired only with twins (HubCallbacks::on_desired set).
  static constexpr std::size_t kMaxSubscriptions = 3;
  // The tag of responses and reports in the MQTT client's table of
  // outstanding publishes; telemetry is tagged with its seq (never 0).
  static constexpr std::uint64_t kNotTelemetry = 0;
  // "devices/<id>/", then the leaf of the last topic message_to() built;
  // device_id_ views the id inside.
  char topic_[protocol::kMaxTopicLength];
  mqtt::Client mqtt_;
};

}  // namespace edgehub::device::hub

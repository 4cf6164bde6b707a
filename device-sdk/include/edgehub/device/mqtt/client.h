// The MQTT 3.1.1 client state machine: CONNECT/CONNACK, QoS 0/1 publish with
// PUBACK tracking, subscribe, incoming publishes, keepalive, disconnect.
//
// It owns no memory and no I/O: bytes move through the Transport, time comes
// from the Clock, packets are built in and read into caller-owned buffers.
// Nothing blocks: connect() and disconnect() start an exchange that process()
// drives. Call process() whenever the transport is readable or writable, and
// at least every second or so for keepalive and timeouts.
//
// Error policy: every function returns a Status. process() returns ok, or a
// status that ended the connection (state() is then disconnected): the
// application closes its transport and may connect again, on a new one with
// set_transport(). Outstanding QoS 1 packet ids survive that, so that they
// can be resent (resend()) when the session is resumed.
//
// Callbacks run inside process(). They may call publish(), subscribe() and
// disconnect(), never process().
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgehub/device/clock.h"
#include "edgehub/device/mqtt/outstanding_publishes.h"
#include "edgehub/device/mqtt/packet_reader.h"
#include "edgehub/device/mqtt/packets.h"
#include "edgehub/device/mqtt/send_queue.h"
#include "edgehub/device/status.h"
#include "edgehub/device/transport.h"

namespace edgehub::device::mqtt {

struct ClientBuffers {
  // Outgoing packets wait here; the largest publish must fit.
  std::uint8_t* send = nullptr;
  std::size_t send_capacity = 0;
  // One incoming packet at a time; larger PUBLISHes are dropped and reported.
  std::uint8_t* receive = nullptr;
  std::size_t receive_capacity = 0;
};

// What an on_publish callback did with a message.
enum class Delivery : std::uint8_t {
  accepted,     // done: a QoS 1 message is acknowledged now
  retry_later,  // cannot take it now: the same message comes again on a later
                // process() call, and nothing else is read until then
};

struct ClientCallbacks {
  void* context = nullptr;
  // An incoming PUBLISH. For QoS 1 the PUBACK goes out after this returns
  // `accepted`. The views are valid during the call only. Without a callback
  // messages are accepted and dropped.
  Delivery (*on_publish)(void* context, const PublishInfo& message) = nullptr;
  // The broker acknowledged the QoS 1 publish with this packet id.
  void (*on_puback)(void* context, std::uint16_t packet_id) = nullptr;
  void (*on_suback)(void* context, const Suback& suback) = nullptr;
  void (*on_unsuback)(void* context, std::uint16_t packet_id) = nullptr;
  // An incoming message was dropped (reason: packet_too_large). A QoS 1
  // message is still acknowledged (packet_id != 0) so that the broker does not
  // send it again and again.
  void (*on_dropped)(void* context, Status reason, std::uint16_t packet_id) = nullptr;
};

enum class ClientState : std::uint8_t {
  disconnected,   // no connection; connect() may be called
  connecting,     // CONNECT queued, waiting for CONNACK
  connected,      // CONNACK accepted
  disconnecting,  // DISCONNECT queued, waiting for it to be sent
};

namespace detail {

// Client's plain state and the copies of its constructor's arguments, in one
// base that its constructor value-initialises: zeroed in one go instead of
// member by member. It comes first in the object, the scalars first in it:
// Thumb-2 has 16-bit loads and stores only for small offsets from `this`
// (bytes below 32, words below 128).
struct ClientFields {
  ClientState state_ = ClientState::disconnected;
  bool ping_outstanding_ = false;
  // A transport failure met inside an API call, reported by the next process().
  Status deferred_failure_ = Status::ok;
  bool session_present_ = false;
  std::uint8_t connack_return_code_ = 0;
  std::uint16_t last_packet_id_ = 0;
  // Room kept in the send queue for the PUBACK of the message being delivered.
  std::size_t reserved_ = 0;
  // PUBACK still owed for a dropped oversized message.
  std::uint16_t dropped_ack_id_ = 0;

  std::uint32_t keepalive_ms_ = 0;
  std::uint32_t connack_timeout_ms_ = 0;
  std::uint32_t connect_started_ms_ = 0;
  std::uint32_t last_sent_ms_ = 0;
  std::uint32_t ping_sent_ms_ = 0;
  std::uint64_t acknowledged_tag_ = 0;

  Transport transport_;
  Clock clock_;
  ClientCallbacks callbacks_;
};

}  // namespace detail

class Client : private detail::ClientFields {
 public:
  Client(const Transport& transport, const Clock& clock, const ClientBuffers& buffers,
         const ClientCallbacks& callbacks = {}) noexcept;

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Between connections only (state disconnected): the next connection.
  Status set_transport(const Transport& transport) noexcept;
  void set_callbacks(const ClientCallbacks& callbacks) noexcept { callbacks_ = callbacks; }

  // Queues CONNECT and starts waiting for CONNACK; process() finishes the
  // exchange (state connected) or fails with timeout / connection_refused.
  // clean_session=true forgets the outstanding publishes.
  Status connect(const ConnectOptions& options, std::uint32_t connack_timeout_ms) noexcept;

  // Queues a publish. For QoS 1 *packet_id receives the id that on_puback will
  // report (0 for QoS 0) and the outstanding table keeps `tag` with it (see
  // acknowledged_tag()). busy: the send buffer or the outstanding table is
  // full, retry after process(); buffer_too_small: it can never fit.
  Status publish(const PublishInfo& publish, std::uint16_t* packet_id,
                 std::uint64_t tag = 0) noexcept;

  // Sends an outstanding QoS 1 publish again with the same packet id and the
  // DUP flag (after a reconnect that resumed the session: connect() marks
  // every outstanding entry `resend`, this clears it). not_found if the id is
  // not outstanding.
  Status resend(const PublishInfo& publish, std::uint16_t packet_id) noexcept;

  // Gives up on an outstanding QoS 1 publish (its PUBACK will be ignored).
  Status release(std::uint16_t packet_id) noexcept;

  Status subscribe(const Subscription* subscriptions, std::size_t count,
                   std::uint16_t* packet_id) noexcept;
  Status unsubscribe(const std::string_view* filters, std::size_t count,
                     std::uint16_t* packet_id) noexcept;

  // Queues DISCONNECT; the state is disconnected once it has been sent.
  Status disconnect() noexcept;

  // The application lost or closed its transport: forget the connection
  // (outstanding publishes are kept).
  void connection_lost() noexcept;

  // Sends queued bytes, reads and dispatches incoming packets, keeps the
  // connection alive. not_connected when there is no connection.
  Status process() noexcept;

  ClientState state() const noexcept { return state_; }
  bool session_present() const noexcept { return session_present_; }
  // The return code of the last CONNACK (a ConnackCode value).
  std::uint8_t connack_return_code() const noexcept { return connack_return_code_; }
  // Bytes waiting for the transport (poll for writability while true).
  bool has_pending_send() const noexcept { return !send_queue_.empty(); }
  const OutstandingPublishes& outstanding() const noexcept { return outstanding_; }
  // Inside on_puback: the tag the acknowledged publish was given.
  std::uint64_t acknowledged_tag() const noexcept { return acknowledged_tag_; }

 private:
  Status enqueue_publish(const PublishInfo& publish, std::uint16_t packet_id,
                         bool duplicate) noexcept;
  std::uint16_t next_packet_id() noexcept;
  Status room_for(std::size_t size) noexcept;
  Status make_room(std::size_t size) noexcept;
  Status flush(std::uint32_t now) noexcept;
  Status flush_in_call() noexcept;
  Status fail(Status status) noexcept;
  Status take_deferred_failure() noexcept;
  Status read_and_dispatch() noexcept;
  Status dispatch(const Packet& packet, bool* held) noexcept;
  Status dispatch_connack(const Packet& packet) noexcept;
  Status dispatch_publish(const Packet& packet, bool* held) noexcept;
  bool acknowledge_dropped() noexcept;
  void queue_puback(std::uint16_t packet_id) noexcept;
  Status keep_alive(std::uint32_t now) noexcept;

  // After the plain state (detail::ClientFields) the queues and the table.
  SendQueue send_queue_;
  PacketReader reader_;
  OutstandingPublishes outstanding_;
};

}  // namespace edgehub::device::mqtt

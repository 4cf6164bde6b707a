// Client: the calls an application makes (connect, publish, subscribe, ...)
// and the sending side. Reading and dispatching is in client_receive.cpp.
#include "edgehub/device/mqtt/client.h"

#include "edgehub/device/log.h"
#include "edgehub/device/mqtt/serializer.h"

namespace edgehub::device::mqtt {
namespace {

bool is_usable(const Transport& transport) noexcept {
  return transport.send != nullptr && transport.recv != nullptr;
}

}  // namespace

Client::Client(const Transport& transport, const Clock& clock, const ClientBuffers& buffers,
               const ClientCallbacks& callbacks) noexcept
    : detail::ClientFields(),  // zeroed in one go
      send_queue_(buffers.send, buffers.send_capacity),
      reader_(buffers.receive, buffers.receive_capacity) {
  transport_ = transport;
  clock_ = clock;
  callbacks_ = callbacks;
}

Status Client::set_transport(const Transport& transport) noexcept {
  if (state_ != ClientState::disconnected) return Status::wrong_state;
  if (!is_usable(transport)) return Status::bad_parameter;
  transport_ = transport;
  return Status::ok;
}

Status Client::connect(const ConnectOptions& options, std::uint32_t connack_timeout_ms) noexcept {
  if (state_ != ClientState::disconnected) return Status::wrong_state;
  if (!is_usable(transport_) || clock_.now_ms == nullptr) return Status::bad_parameter;
  const std::size_t size = connect_size(options);
  if (size == 0) return Status::bad_parameter;
  if (size > send_queue_.capacity() || !reader_.has_capacity()) return Status::buffer_too_small;

  // A new connection starts from a clean byte stream in both directions.
  connection_lost();
  dropped_ack_id_ = 0;
  deferred_failure_ = Status::ok;
  session_present_ = false;
  connack_return_code_ = 0;
  if (options.clean_session) {
    outstanding_.clear();
  } else {
    outstanding_.mark_for_resend();
  }

  std::size_t written = 0;
  (void)serialize_connect(options, send_queue_.tail(size), size, &written);
  send_queue_.commit(written);
  keepalive_ms_ = static_cast<std::uint32_t>(options.keepalive_seconds) * 1000U;
  connack_timeout_ms_ = connack_timeout_ms;
  connect_started_ms_ = clock_.now_ms(clock_.context);
  last_sent_ms_ = connect_started_ms_;
  state_ = ClientState::connecting;
  return flush_in_call();
}

std::uint16_t Client::next_packet_id() noexcept {
  // Skips 0 and ids still waiting for their PUBACK.
  do {
    ++last_packet_id_;
  } while (last_packet_id_ == 0 || outstanding_.contains(last_packet_id_));
  return last_packet_id_;
}

// Room in the send queue for a packet of `size` bytes (0: invalid options).
Status Client::room_for(std::size_t size) noexcept {
  if (size == 0) return Status::bad_parameter;
  if (size > send_queue_.capacity()) return Status::buffer_too_small;
  return make_room(size);
}

Status Client::make_room(std::size_t size) noexcept {
  if (send_queue_.free_space() >= size + reserved_) return Status::ok;
  (void)flush_in_call();
  if (state_ == ClientState::disconnected) return Status::not_connected;
  return send_queue_.free_space() >= size + reserved_ ? Status::ok : Status::busy;
}

// Queues a publish (again, with DUP, if duplicate) and starts sending it.
Status Client::enqueue_publish(const PublishInfo& publish, std::uint16_t packet_id,
                               bool duplicate) noexcept {
  PublishInfo message = publish;
  message.duplicate = duplicate;
  const std::size_t size = publish_size(message);
  Status status = room_for(size);
  if (status != Status::ok) return status;
  std::size_t written = 0;
  status = serialize_publish(message, packet_id, send_queue_.tail(size), size, &written);
  if (status != Status::ok) return status;
  send_queue_.commit(written);
  return flush_in_call();
}

Status Client::publish(const PublishInfo& publish, std::uint16_t* packet_id,
                       std::uint64_t tag) noexcept {
  if (state_ != ClientState::connected) return Status::not_connected;
  std::uint16_t id = 0;
  if (publish.qos == QoS::at_least_once) {
    if (outstanding_.full()) return Status::busy;
    id = next_packet_id();
  }
  const Status status = enqueue_publish(publish, id, false);
  if (status != Status::ok) return status;
  if (id != 0) (void)outstanding_.add(id, tag);
  if (packet_id != nullptr) *packet_id = id;
  return Status::ok;
}

Status Client::resend(const PublishInfo& publish, std::uint16_t packet_id) noexcept {
  if (state_ != ClientState::connected) return Status::not_connected;
  if (publish.qos != QoS::at_least_once) return Status::bad_parameter;
  OutstandingPublishes::Entry* entry = outstanding_.find(packet_id);
  if (entry == nullptr) return Status::not_found;
  const Status status = enqueue_publish(publish, packet_id, true);
  if (status == Status::ok) entry->resend = false;  // sent again on this connection
  return status;
}

Status Client::release(std::uint16_t packet_id) noexcept {
  return outstanding_.remove(packet_id) ? Status::ok : Status::not_found;
}

Status Client::subscribe(const Subscription* subscriptions, std::size_t count,
                         std::uint16_t* packet_id) noexcept {
  if (state_ != ClientState::connected) return Status::not_connected;
  const std::size_t size = subscribe_size(subscriptions, count);
  const Status room = room_for(size);
  if (room != Status::ok) return room;
  const std::uint16_t id = next_packet_id();
  std::size_t written = 0;
  (void)serialize_subscribe(subscriptions, count, id, send_queue_.tail(size), size, &written);
  send_queue_.commit(written);
  if (packet_id != nullptr) *packet_id = id;
  return flush_in_call();
}

Status Client::unsubscribe(const std::string_view* filters, std::size_t count,
                           std::uint16_t* packet_id) noexcept {
  if (state_ != ClientState::connected) return Status::not_connected;
  const std::size_t size = unsubscribe_size(filters, count);
  const Status room = room_for(size);
  if (room != Status::ok) return room;
  const std::uint16_t id = next_packet_id();
  std::size_t written = 0;
  (void)serialize_unsubscribe(filters, count, id, send_queue_.tail(size), size, &written);
  send_queue_.commit(written);
  if (packet_id != nullptr) *packet_id = id;
  return flush_in_call();
}

Status Client::disconnect() noexcept {
  if (state_ == ClientState::disconnecting) return Status::ok;
  if (state_ != ClientState::connected) {
    connection_lost();
    return Status::ok;
  }
  const Status room = make_room(kDisconnectSize);
  if (room != Status::ok) return room;
  send_queue_.commit(
      write_short_packet(PacketType::disconnect, 0, send_queue_.tail(kDisconnectSize)));
  state_ = ClientState::disconnecting;
  const Status status = flush_in_call();
  if (status == Status::ok && send_queue_.empty()) state_ = ClientState::disconnected;
  return status;
}

void Client::connection_lost() noexcept {
  state_ = ClientState::disconnected;
  send_queue_.clear();
  reader_.release();
  reserved_ = 0;
  ping_outstanding_ = false;
}

Status Client::flush(std::uint32_t now) noexcept {
  std::size_t sent = 0;
  const Status status = send_queue_.flush(transport_, &sent);
  if (sent > 0) last_sent_ms_ = now;
  return status;
}

// A send failure inside an API call ends the connection, but the call itself
// succeeded in queuing its packet: the failure is reported by process().
Status Client::flush_in_call() noexcept {
  if (state_ == ClientState::disconnected) return Status::ok;
  const Status status = flush(clock_.now_ms(clock_.context));
  if (status != Status::ok) {
    EDGEHUB_DEVICE_LOG("error", "transport send failed", 0);
    connection_lost();
    deferred_failure_ = status;
  }
  return Status::ok;
}

Status Client::fail(Status status) noexcept {
  EDGEHUB_DEVICE_LOG("error", "connection ended", static_cast<int>(status));
  connection_lost();
  return status;
}

}  // namespace edgehub::device::mqtt

// Client: process() — sending what is queued, reading and dispatching
// incoming packets, keepalive and timeouts.
#include "edgehub/device/config.h"
#include "edgehub/device/log.h"
#include "edgehub/device/mqtt/client.h"
#include "edgehub/device/mqtt/deserializer.h"
#include "edgehub/device/mqtt/serializer.h"

namespace edgehub::device::mqtt {

Status Client::process() noexcept {
  if (state_ == ClientState::disconnected) {
    const Status failure = take_deferred_failure();
    return failure == Status::ok ? Status::not_connected : failure;
  }
  const std::uint32_t now = clock_.now_ms(clock_.context);
  Status status = flush(now);
  if (status != Status::ok) return fail(status);

  if (state_ == ClientState::disconnecting) {
    if (send_queue_.empty()) state_ = ClientState::disconnected;
    return Status::ok;
  }
  if (state_ == ClientState::connecting &&
      elapsed_ms(connect_started_ms_, now) >= connack_timeout_ms_) {
    EDGEHUB_DEVICE_LOG("error", "no CONNACK in time", static_cast<long>(connack_timeout_ms_));
    return fail(Status::timeout);
  }

  status = read_and_dispatch();
  if (status != Status::ok) return fail(status);
  // A send failure while answering, or a callback that ended the connection.
  if (state_ == ClientState::disconnected) return take_deferred_failure();

  status = keep_alive(now);
  if (status != Status::ok) return fail(status);
  status = flush(now);
  if (status != Status::ok) return fail(status);
  if (state_ == ClientState::disconnecting && send_queue_.empty()) {
    state_ = ClientState::disconnected;
  }
  return Status::ok;
}

Status Client::take_deferred_failure() noexcept {
  const Status failure = deferred_failure_;
  deferred_failure_ = Status::ok;
  return failure;
}

Status Client::read_and_dispatch() noexcept {
  for (unsigned handled = 0; handled < config::kMaxPacketsPerProcess; ++handled) {
    if (state_ != ClientState::connecting && state_ != ClientState::connected) break;
    if (!acknowledge_dropped()) break;
    if (!reader_.has_packet()) {
      bool complete = false;
      const Status status = reader_.read(transport_, &complete);
      if (status == Status::packet_too_large) {
        dropped_ack_id_ = reader_.dropped_packet_id();
        if (callbacks_.on_dropped != nullptr) {
          callbacks_.on_dropped(callbacks_.context, status, dropped_ack_id_);
        }
        continue;
      }
      if (status != Status::ok) return status;
      if (!complete) break;
    }
    bool held = false;
    const Status status = dispatch(reader_.packet(), &held);
    if (status != Status::ok) return status;
    if (held) break;  // delivered again on a later call; read nothing else meanwhile
    reader_.release();
  }
  return Status::ok;
}

// Queues the PUBACK owed for a dropped message; false while there is no room.
bool Client::acknowledge_dropped() noexcept {
  if (dropped_ack_id_ == 0) return true;
  if (state_ != ClientState::connected) return true;
  if (make_room(kPubackSize) != Status::ok) return false;
  queue_puback(dropped_ack_id_);
  dropped_ack_id_ = 0;
  return true;
}

Status Client::dispatch(const Packet& packet, bool* held) noexcept {
  if (state_ == ClientState::connecting) {
    if (packet.type() != PacketType::connack) return Status::protocol_error;
    return dispatch_connack(packet);
  }
  switch (packet.type()) {
    case PacketType::publish:
      return dispatch_publish(packet, held);
    case PacketType::puback: {
      std::uint16_t id = 0;
      if (deserialize_ack(packet, &id) != Status::ok) return Status::malformed;
      if (!outstanding_.remove(id, &acknowledged_tag_)) {
        // Released by the application, or a broker bug: nothing to report.
        EDGEHUB_DEVICE_LOG("warn", "PUBACK for a packet id not outstanding", id);
        return Status::ok;
      }
      if (callbacks_.on_puback != nullptr) callbacks_.on_puback(callbacks_.context, id);
      return Status::ok;
    }
    case PacketType::suback: {
      Suback suback;
      if (deserialize_suback(packet, &suback) != Status::ok) return Status::malformed;
      if (callbacks_.on_suback != nullptr) callbacks_.on_suback(callbacks_.context, suback);
      return Status::ok;
    }
    case PacketType::unsuback: {
      std::uint16_t id = 0;
      if (deserialize_ack(packet, &id) != Status::ok) return Status::malformed;
      if (callbacks_.on_unsuback != nullptr) callbacks_.on_unsuback(callbacks_.context, id);
      return Status::ok;
    }
    case PacketType::pingresp:
      if (deserialize_pingresp(packet) != Status::ok) return Status::malformed;
      ping_outstanding_ = false;
      return Status::ok;
    default:
      EDGEHUB_DEVICE_LOG("error", "unexpected packet type", static_cast<int>(packet.type()));
      return Status::protocol_error;
  }
}

Status Client::dispatch_connack(const Packet& packet) noexcept {
  Connack connack;
  if (deserialize_connack(packet, &connack) != Status::ok) return Status::malformed;
  connack_return_code_ = connack.return_code;
  if (connack.return_code != static_cast<std::uint8_t>(ConnackCode::accepted)) {
    return Status::connection_refused;
  }
  session_present_ = connack.session_present;
  state_ = ClientState::connected;
  return Status::ok;
}

Status Client::dispatch_publish(const Packet& packet, bool* held) noexcept {
  PublishInfo message;
  std::uint16_t id = 0;
  if (deserialize_publish(packet, &message, &id) != Status::ok) return Status::malformed;
  const bool needs_ack = message.qos == QoS::at_least_once;
  if (needs_ack && make_room(kPubackSize) != Status::ok) {
    *held = true;  // no room for the PUBACK yet: deliver once there is
    return Status::ok;
  }

  reserved_ = needs_ack ? kPubackSize : 0;
  Delivery delivery = Delivery::accepted;
  if (callbacks_.on_publish != nullptr) {
    delivery = callbacks_.on_publish(callbacks_.context, message);
  }
  reserved_ = 0;
  if (delivery == Delivery::retry_later) {
    *held = true;
    return Status::ok;
  }
  // A callback that disconnected takes back the right to acknowledge.
  if (needs_ack && state_ == ClientState::connected) queue_puback(id);
  return Status::ok;
}

// The caller made room for it.
void Client::queue_puback(std::uint16_t packet_id) noexcept {
  send_queue_.commit(
      write_short_packet(PacketType::puback, packet_id, send_queue_.tail(kPubackSize)));
}

Status Client::keep_alive(std::uint32_t now) noexcept {
  if (state_ != ClientState::connected || keepalive_ms_ == 0) return Status::ok;
  if (ping_outstanding_) {
    if (elapsed_ms(ping_sent_ms_, now) >= config::kPingrespTimeoutMs) {
      EDGEHUB_DEVICE_LOG("error", "no PINGRESP in time", 0);
      return Status::keepalive_timeout;
    }
    return Status::ok;
  }
  if (elapsed_ms(last_sent_ms_, now) < keepalive_ms_) return Status::ok;
  if (send_queue_.free_space() < kPingreqSize) return Status::ok;  // bytes are waiting anyway
  send_queue_.commit(write_short_packet(PacketType::pingreq, 0, send_queue_.tail(kPingreqSize)));
  ping_outstanding_ = true;
  ping_sent_ms_ = now;
  return Status::ok;
}

}  // namespace edgehub::device::mqtt

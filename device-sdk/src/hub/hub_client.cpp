// HubClient: connection, subscription and telemetry. Commands and responses
// are in hub_commands.cpp.
#include "edgehub/device/hub/hub_client.h"

#include <cstring>

#include "edgehub/device/hub/telemetry.h"
#include "edgehub/device/log.h"
#include "edgehub/device/mqtt/serializer.h"

namespace edgehub::device::hub {

using protocol::TopicKind;

HubClient::HubClient(std::string_view device_id, const Transport& transport, const Clock& clock,
                     const HubClientBuffers& buffers, const HubCallbacks& callbacks) noexcept
    : detail::HubClientState(),  // zeroed in one go
      mqtt_(transport, clock, buffers.mqtt,
            mqtt::ClientCallbacks{this, &HubClient::on_publish, &HubClient::on_puback,
                                  &HubClient::on_suback, nullptr, &HubClient::on_dropped}) {
  buffers_ = buffers;
  callbacks_ = callbacks;
  clock_ = clock;
  if (protocol::is_valid_device_id(device_id)) {
    constexpr std::size_t kStart = sizeof "devices/" - 1;
    std::memcpy(topic_, "devices/", kStart);
    std::memcpy(topic_ + kStart, device_id.data(), device_id.size());
    topic_[kStart + device_id.size()] = '/';
    prefix_length_ = kStart + device_id.size() + 1;
    device_id_ = std::string_view(topic_ + kStart, device_id.size());
  }
  if (clock_.now_ms != nullptr) uptime_checked_ms_ = clock_.now_ms(clock_.context);
}

Status HubClient::connect(const HubConnectOptions& options) noexcept {
  if (device_id_.empty()) return Status::bad_parameter;
  if (buffers_.telemetry == nullptr || buffers_.telemetry_capacity <= kTelemetryEnvelopeOverhead ||
      buffers_.response == nullptr || buffers_.response_capacity < kMinResponseCapacity ||
      buffers_.offline == nullptr) {
    return Status::buffer_too_small;
  }
  if (!buffers_.offline->is_open()) return Status::wrong_state;
  mqtt::ConnectOptions connect;
  connect.client_id = device_id_;
  connect.clean_session = options.clean_session;
  connect.keepalive_seconds = options.keepalive_seconds;
  const Status status = mqtt_.connect(connect, options.connack_timeout_ms);
  if (status != Status::ok) return status;

  subscribe_packet_id_ = 0;
  subscribed_ = false;
  subscription_refused_ = false;
  // Every message not acknowledged goes again on this connection, from the
  // oldest (unless paused). (Without kept copies the pending ones start at
  // the head, wherever open() found it.)
  if (kept_ == 0) pending_position_ = buffers_.offline->head_position();
  restart_cursor();
  const bool rewound = rewound_;
  rewound_ = false;
  // With a clean session the MQTT client forgot its packet ids; else
  // telemetry keeps its packet id for the resend (the MQTT client marked them
  // all), responses and reports have no copy left.
  release_sent(false);
  // After a pause, messages without a packet id may come before those in
  // flight: all go as new publishes, in seq order (QoS 1 needs no id kept).
  if (rewound) release_sent(true);
  return Status::ok;
}

Status HubClient::set_transport(const Transport& transport) noexcept {
  return mqtt_.set_transport(transport);
}

Status HubClient::disconnect() noexcept { return mqtt_.disconnect(); }

void HubClient::connection_lost() noexcept { mqtt_.connection_lost(); }

HubState HubClient::state() const noexcept {
  switch (mqtt_.state()) {
    case mqtt::ClientState::disconnected:
      return HubState::disconnected;
    case mqtt::ClientState::connecting:
      return HubState::connecting;
    case mqtt::ClientState::disconnecting:
      return HubState::disconnecting;
    case mqtt::ClientState::connected:
      break;
  }
  return subscribed_ ? HubState::ready : HubState::subscribing;
}

Status HubClient::process() noexcept {
  (void)uptime_ms();
  Status status = mqtt_.process();
  if (status != Status::ok) return status;
  if (subscription_refused_) {
    mqtt_.connection_lost();
    return Status::subscription_refused;
  }
  if (mqtt_.state() != mqtt::ClientState::connected) return Status::ok;
  if (subscribe_packet_id_ == 0) {
    status = subscribe();
    if (status != Status::ok && status != Status::busy) {
      report(status, EDGEHUB_DEVICE_TEXT(
                         "cannot subscribe to the device's topics"));  // e.g. a tiny send buffer
      mqtt_.connection_lost();
      return status;
    }
  }
  send_pending_response();
  send_pending_report();
  if (paused_ && retry_after_ms_ != 0 && uptime_ms_ - paused_at_ms_ >= retry_after_ms_) {
    // Tried again after retry_after_ms without "resumed" (lost, or a hub that
    // restarted): a hub still full refuses and pauses again.
    paused_ = false;
    if (callbacks_.on_flow != nullptr) callbacks_.on_flow(callbacks_.context, FlowNotice{});
  }
  publish_stored();
  return Status::ok;
}

// commands and flow in one SUBSCRIBE, and desired with twins (only a device
// that set on_desired subscribes to it: HubCallbacks::on_desired).
std::size_t HubClient::subscription_count() const noexcept {
  return callbacks_.on_desired.handler() != nullptr ? kMaxSubscriptions : kMaxSubscriptions - 1;
}

Status HubClient::subscribe() noexcept {
  static constexpr TopicKind kKinds[kMaxSubscriptions] = {TopicKind::commands, TopicKind::flow,
                                                          TopicKind::desired};
  mqtt::Subscription subscriptions[kMaxSubscriptions];
  char filters[kMaxSubscriptions][protocol::kMaxTopicLength];
  const std::size_t count = subscription_count();
  for (std::size_t i = 0; i < count; ++i) {
    subscriptions[i].filter = build_topic(kKinds[i], filters[i]);
    subscriptions[i].qos = mqtt::QoS::at_least_once;
  }
  return mqtt_.subscribe(subscriptions, count, &subscribe_packet_id_);
}

void HubClient::on_suback(void* context, const mqtt::Suback& suback) noexcept {
  auto* self = static_cast<HubClient*>(context);
  if (suback.packet_id != self->subscribe_packet_id_) return;
  const std::size_t count = self->subscription_count();
  bool granted = suback.return_code_count == count;
  for (std::size_t i = 0; granted && i < count; ++i) {
    granted = suback.return_codes[i] != mqtt::kSubackFailure;
  }
  self->subscribed_ = granted;
  self->subscription_refused_ = !granted;
}

std::size_t HubClient::unacknowledged_telemetry() const noexcept {
  return buffers_.offline == nullptr ? 0 : buffers_.offline->count() - kept_;
}

Status HubClient::send_telemetry(std::string_view data_json, std::uint64_t timestamp_ms,
                                 std::uint64_t* seq) noexcept {
  reliability::OfflineBuffer* offline = buffers_.offline;
  if (offline == nullptr || !offline->is_open()) return Status::wrong_state;
  if (next_seq_ <= offline->last_seq()) next_seq_ = offline->last_seq() + 1;
  std::size_t length = 0;
  Status status = build_telemetry(next_seq_, timestamp_ms, data_json, buffers_.telemetry,
                                  buffers_.telemetry_capacity, &length);
  if (status != Status::ok) return status;
  const mqtt::PublishInfo publish = message_to(TopicKind::telemetry, buffers_.telemetry, length);
  if (mqtt::publish_size(publish) > buffers_.mqtt.send_capacity) return Status::buffer_too_small;
  status = offline->push(next_seq_, buffers_.telemetry, length,
                         reliability::DropHandler{this, &HubClient::on_offline_drop}, kept_);
  if (status != Status::ok) return status;
  if (seq != nullptr) *seq = next_seq_;
  ++next_seq_;
  ++statistics_.telemetry_sent;
  publish_stored();
  return Status::ok;
}

// The next message to publish is the first one not acknowledged.
void HubClient::restart_cursor() noexcept {
  cursor_index_ = kept_;
  cursor_position_ = pending_position_;
}

// Publishes stored messages from the cursor on, while the connection and the
// table of outstanding publishes take them, and the hub does not pause them.
void HubClient::publish_stored() noexcept {
  reliability::OfflineBuffer& offline = *buffers_.offline;
  while (!paused_ && mqtt_.state() == mqtt::ClientState::connected &&
         cursor_index_ < offline.count()) {
    reliability::StoredMessage message;
    Status status =
        offline.read(cursor_position_, &message, buffers_.telemetry, buffers_.telemetry_capacity);
    if (status == Status::ok) status = publish_record(message);
    if (status == Status::busy || status == Status::not_connected) return;
    if (status != Status::ok) {
      // An unreadable buffer cannot be walked any further: start it afresh.
      report(status, EDGEHUB_DEVICE_TEXT("offline buffer unreadable, its messages are given up"));
      forget_stored();
      return;
    }
    cursor_position_ = offline.next_position(cursor_position_, message);
    ++cursor_index_;
  }
}

Status HubClient::publish_record(const reliability::StoredMessage& message) noexcept {
  const mqtt::PublishInfo publish =
      message_to(TopicKind::telemetry, buffers_.telemetry, message.length);
  // The MQTT client's table of outstanding publishes tags telemetry with its seq.
  const mqtt::OutstandingPublishes::Entry* entry = mqtt_.outstanding().find_tag(message.seq);
  if (entry == nullptr) return mqtt_.publish(publish, nullptr, message.seq);
  // In flight on this connection (the cursor went back for a pause): its
  // PUBACK comes; sent on an earlier one: once more, with DUP.
  if (!entry->resend) return Status::ok;
  return mqtt_.resend(publish, entry->packet_id);
}

void HubClient::on_puback(void* context, std::uint16_t /*packet_id*/) noexcept {
  auto* self = static_cast<HubClient*>(context);
  const std::uint64_t seq = self->mqtt_.acknowledged_tag();
  // A response or a report; or paused: perhaps refused by the hub, it stays
  // to be sent again after "resumed".
  if (seq == kNotTelemetry || self->paused_) return;
  self->remove_acknowledged(seq);
}

// The broker acknowledges in the order it received (MQTT-4.6.0-2), and the
// cursor publishes in seq order: the PUBACK is for the oldest pending message,
// which joins the kept part at the head of the offline buffer; the oldest
// kept beyond config::kKeepAcknowledged are removed. After a pause the
// cursor goes back and newer messages can be in flight before older ones are
// sent again: a PUBACK for a message that is not the oldest pending one (or
// from a broker that breaks the rule) is not counted, the message stays
// pending and the cursor goes back to send it again (its next PUBACK counts;
// the hub keeps one record per seq).
void HubClient::remove_acknowledged(std::uint64_t seq) noexcept {
  reliability::OfflineBuffer& offline = *buffers_.offline;
  reliability::StoredMessage oldest;
  if (kept_ >= offline.count() ||
      offline.read(pending_position_, &oldest, nullptr, 0) != Status::ok || oldest.seq != seq) {
    restart_cursor();
    return;
  }
  ++statistics_.telemetry_acknowledged;
  if (callbacks_.on_telemetry_acknowledged != nullptr) {
    callbacks_.on_telemetry_acknowledged(callbacks_.context, seq);
  }
  pending_position_ = offline.next_position(pending_position_, oldest);
  ++kept_;
  while (kept_ > config::kKeepAcknowledged) {
    const Status status = offline.pop();
    if (status != Status::ok) {
      report(status, EDGEHUB_DEVICE_TEXT("offline buffer cannot remove an acknowledged message"));
      return;
    }
    --kept_;
    --cursor_index_;  // at or after the kept part
  }
  if (offline.empty()) pending_position_ = cursor_position_ = offline.head_position();
}

// Paused: the message with first_refused_seq and every one sent after it
// were acknowledged by the broker but not stored. After a pause or a
// reconnect "sent after it" is not "a higher seq" (older messages go again),
// so every kept copy becomes pending again: at most config::kKeepAcknowledged
// messages sent twice, which the hub stores once. Nothing is published until
// "resumed" (or retry_after_ms).
//
// Without first_refused_seq nothing acknowledged was refused (the broker's
// journal could not take telemetry and sent no PUBACK): the kept copies are
// stored, the refused messages are still pending; only the sending waits.
void HubClient::pause(const FlowNotice& notice) noexcept {
  paused_ = true;
  paused_at_ms_ = uptime_ms_;
  retry_after_ms_ = notice.retry_after_ms;
  ++statistics_.flow_pauses;
  if (notice.first_refused_seq == 0) {
    restart_cursor();
    return;
  }
  rewound_ = true;
  const reliability::OfflineBuffer& offline = *buffers_.offline;
  reliability::StoredMessage oldest;
  if (offline.read(offline.head_position(), &oldest, nullptr, 0) != Status::ok ||
      oldest.seq > notice.first_refused_seq) {
    // Its copy made room for newer messages before the notice came.
    report(Status::queue_full,
           EDGEHUB_DEVICE_TEXT("telemetry refused by the hub was no longer in the offline buffer"));
  }
  kept_ = 0;
  pending_position_ = offline.head_position();
  restart_cursor();
}

// drop_oldest made room: the oldest message is gone, in flight or not.
void HubClient::on_offline_drop(void* context, std::uint64_t seq) noexcept {
  auto* self = static_cast<HubClient*>(context);
  const reliability::OfflineBuffer& offline = *self->buffers_.offline;
  if (self->cursor_index_ > 0) {
    --self->cursor_index_;
  } else {
    self->cursor_position_ = offline.head_position();
  }
  if (self->kept_ > 0) {  // an acknowledged copy: nothing lost
    --self->kept_;
    if (offline.empty()) self->pending_position_ = offline.head_position();
    return;
  }
  self->pending_position_ = offline.head_position();
  const mqtt::OutstandingPublishes::Entry* entry = self->mqtt_.outstanding().find_tag(seq);
  if (entry != nullptr) (void)self->mqtt_.release(entry->packet_id);
  ++self->statistics_.telemetry_dropped;
  EDGEHUB_DEVICE_LOG("warn", "offline buffer full, oldest telemetry dropped", 0);
  if (self->callbacks_.on_telemetry_dropped != nullptr) {
    self->callbacks_.on_telemetry_dropped(self->callbacks_.context, seq);
  }
}

// Gives up the packet ids of the telemetry (or the responses) sent.
void HubClient::release_sent(bool telemetry) noexcept {
  const mqtt::OutstandingPublishes& sent = mqtt_.outstanding();
  for (std::size_t i = sent.count(); i-- > 0;) {
    if ((sent.entry(i).tag != kNotTelemetry) == telemetry) (void)mqtt_.release(sent.at(i));
  }
}

void HubClient::forget_stored() noexcept {
  release_sent(true);
  (void)buffers_.offline->clear();
  kept_ = 0;
  pending_position_ = buffers_.offline->head_position();
  restart_cursor();
}

void HubClient::on_dropped(void* context, Status reason, std::uint16_t /*packet_id*/) noexcept {
  static_cast<HubClient*>(context)->report(
      reason, EDGEHUB_DEVICE_TEXT("incoming message larger than the receive buffer"));
}

void HubClient::report(Status status, const char* what) noexcept {
  ++statistics_.problems;
  EDGEHUB_DEVICE_LOG("warn", what, static_cast<int>(status));
  if (callbacks_.on_problem != nullptr) callbacks_.on_problem(callbacks_.context, status, what);
}

std::string_view HubClient::build_topic(TopicKind kind, char* out) const noexcept {
  const std::string_view leaf = protocol::topic_leaf(kind);
  std::memmove(out, topic_, prefix_length_);  // nothing moves when out is topic_
  std::memcpy(out + prefix_length_, leaf.data(), leaf.size());
  return {out, prefix_length_ + leaf.size()};
}

std::string_view HubClient::leaf_of(std::string_view topic) const noexcept {
  if (topic.size() <= prefix_length_ || std::memcmp(topic.data(), topic_, prefix_length_) != 0) {
    return {};
  }
  return {topic.data() + prefix_length_, topic.size() - prefix_length_};
}

mqtt::PublishInfo HubClient::message_to(TopicKind kind, const char* payload,
                                        std::size_t length) noexcept {
  mqtt::PublishInfo publish;
  publish.topic = build_topic(kind, topic_);
  publish.payload = std::string_view(payload, length);
  publish.qos = mqtt::QoS::at_least_once;
  return publish;
}

std::uint64_t HubClient::uptime_ms() noexcept {
  if (clock_.now_ms == nullptr) return uptime_ms_;
  const std::uint32_t now = clock_.now_ms(clock_.context);
  uptime_ms_ += elapsed_ms(uptime_checked_ms_, now);
  uptime_checked_ms_ = now;
  return uptime_ms_;
}

}  // namespace edgehub::device::hub

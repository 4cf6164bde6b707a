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
    : buffers_(buffers),
      callbacks_(callbacks),
      clock_(clock),
      mqtt_(transport, clock, buffers.mqtt,
            mqtt::ClientCallbacks{this, &HubClient::on_publish, &HubClient::on_puback,
                                  &HubClient::on_suback, nullptr, &HubClient::on_dropped}) {
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
  if (options.clean_session) {
    sent_.clear();  // the MQTT client forgot its packet ids too
  } else {
    // Telemetry keeps its packet id for the resend; responses have no copy left.
    release_sent(false);
    // After a pause, messages without a packet id may come before those in
    // flight: all go as new publishes, in seq order (QoS 1 needs no id kept).
    if (rewound) release_sent(true);
    sent_.mark_for_resend();
  }
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

// commands, flow and desired in one SUBSCRIBE.
Status HubClient::subscribe() noexcept {
  static constexpr TopicKind kKinds[kSubscriptionCount] = {TopicKind::commands, TopicKind::flow,
                                                           TopicKind::desired};
  mqtt::Subscription subscriptions[kSubscriptionCount];
  char filters[kSubscriptionCount][protocol::kMaxTopicLength];
  for (std::size_t i = 0; i < kSubscriptionCount; ++i) {
    subscriptions[i].filter = build_topic(kKinds[i], filters[i]);
    subscriptions[i].qos = mqtt::QoS::at_least_once;
  }
  return mqtt_.subscribe(subscriptions, kSubscriptionCount, &subscribe_packet_id_);
}

void HubClient::on_suback(void* context, const mqtt::Suback& suback) noexcept {
  auto* self = static_cast<HubClient*>(context);
  if (suback.packet_id != self->subscribe_packet_id_) return;
  bool granted = suback.return_code_count == kSubscriptionCount;
  for (std::size_t i = 0; granted && i < kSubscriptionCount; ++i) {
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
  SentMessages::Entry* entry = sent_.find_telemetry(message.seq);
  if (entry != nullptr) {
    if (entry->acknowledged) return Status::ok;  // waits for older ones to be removed
    if (mqtt_.outstanding().contains(entry->packet_id)) {
      // In flight on this connection (the cursor went back for a pause):
      // its PUBACK comes; sent on an earlier one: once more, with DUP.
      if (!entry->resend) return Status::ok;
      const Status status = mqtt_.resend(publish, entry->packet_id);
      if (status == Status::ok) entry->resend = false;
      return status;
    }
    sent_.remove(entry);
  }
  // Acknowledged entries waiting for older ones take room in sent_ that the
  // MQTT client's table no longer counts: every publish must stay tracked.
  // One waiting behind this message (after a pause) gives its room up: the
  // cursor reaches it later and it goes again.
  if (sent_.full()) {
    SentMessages::Entry* waiting = sent_.find_acknowledged_after(message.seq);
    if (waiting == nullptr) return Status::busy;
    sent_.remove(waiting);
  }
  return publish_tracked(publish, true, message.seq);
}

// Publishes and keeps the packet id in sent_ (callers checked that it has room).
Status HubClient::publish_tracked(const mqtt::PublishInfo& publish, bool is_telemetry,
                                  std::uint64_t seq) noexcept {
  std::uint16_t packet_id = 0;
  const Status status = mqtt_.publish(publish, &packet_id);
  if (status == Status::ok)
    (void)sent_.add(SentMessages::Entry{packet_id, is_telemetry, seq, false, false});
  return status;
}

void HubClient::on_puback(void* context, std::uint16_t packet_id) noexcept {
  auto* self = static_cast<HubClient*>(context);
  SentMessages::Entry* entry = self->sent_.find(packet_id);
  if (entry == nullptr) return;
  if (!entry->is_telemetry) {
    self->sent_.remove(entry);
    return;
  }
  if (self->paused_) {
    // Perhaps refused by the hub: it stays to be sent again after "resumed".
    self->sent_.remove(entry);
    return;
  }
  entry->acknowledged = true;
  ++self->statistics_.telemetry_acknowledged;
  if (self->callbacks_.on_telemetry_acknowledged != nullptr) {
    self->callbacks_.on_telemetry_acknowledged(self->callbacks_.context, entry->seq);
  }
  self->remove_acknowledged();
}

// Moves acknowledged messages into the kept part at the head of the offline
// buffer (one acknowledged out of order waits for the ones before it) and
// removes the oldest kept beyond config::kKeepAcknowledged.
void HubClient::remove_acknowledged() noexcept {
  reliability::OfflineBuffer& offline = *buffers_.offline;
  while (kept_ < offline.count()) {
    reliability::StoredMessage oldest;
    if (offline.read(pending_position_, &oldest, nullptr, 0) != Status::ok) break;
    SentMessages::Entry* entry = sent_.find_telemetry(oldest.seq);
    if (entry == nullptr || !entry->acknowledged) break;
    sent_.remove(entry);
    pending_position_ = offline.next_position(pending_position_, oldest);
    ++kept_;
  }
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
void HubClient::pause(const FlowNotice& notice) noexcept {
  paused_ = true;
  rewound_ = true;
  paused_at_ms_ = uptime_ms_;
  retry_after_ms_ = notice.retry_after_ms;
  ++statistics_.flow_pauses;
  // Acknowledged out of order, perhaps refused too: to be sent again.
  for (std::size_t i = sent_.count(); i-- > 0;) {
    if (sent_.at(i).acknowledged) sent_.remove_at(i);
  }
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
  const bool was_kept = self->kept_ > 0;  // an acknowledged copy: nothing lost
  if (was_kept) --self->kept_;
  if (!was_kept || offline.empty()) self->pending_position_ = offline.head_position();
  if (was_kept) return;
  SentMessages::Entry* entry = self->sent_.find_telemetry(seq);
  bool acknowledged = false;
  if (entry != nullptr) {
    acknowledged = entry->acknowledged;
    (void)self->mqtt_.release(entry->packet_id);
    self->sent_.remove(entry);
  }
  if (acknowledged) return;  // safe at the broker already: nothing was lost
  ++self->statistics_.telemetry_dropped;
  EDGEHUB_DEVICE_LOG("warn", "offline buffer full, oldest telemetry dropped", 0);
  if (self->callbacks_.on_telemetry_dropped != nullptr) {
    self->callbacks_.on_telemetry_dropped(self->callbacks_.context, seq);
  }
}

// Gives up the packet ids of the telemetry (or the responses) sent.
void HubClient::release_sent(bool telemetry) noexcept {
  for (std::size_t i = sent_.count(); i-- > 0;) {
    if (sent_.at(i).is_telemetry != telemetry) continue;
    (void)mqtt_.release(sent_.at(i).packet_id);
    sent_.remove_at(i);
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

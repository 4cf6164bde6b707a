// HubClient: connection, subscription and telemetry. Commands and responses
// are in hub_commands.cpp.
#include "edgehub/device/hub/hub_client.h"

#include <cstring>

#include "edgehub/device/hub/telemetry.h"
#include "edgehub/device/log.h"

namespace edgehub::device::hub {

using protocol::TopicKind;

HubClient::HubClient(std::string_view device_id, const Transport& transport, const Clock& clock,
                     const HubClientBuffers& buffers, const HubCallbacks& callbacks) noexcept
    : mqtt_(transport, clock, buffers.mqtt),
      clock_(clock),
      buffers_(buffers),
      callbacks_(callbacks) {
  if (protocol::is_valid_device_id(device_id)) {
    std::memcpy(device_id_storage_, device_id.data(), device_id.size());
    device_id_ = std::string_view(device_id_storage_, device_id.size());
    telemetry_topic_length_ = protocol::build_device_topic(
        TopicKind::telemetry, device_id_, telemetry_topic_, sizeof(telemetry_topic_));
    commands_topic_length_ = protocol::build_device_topic(TopicKind::commands, device_id_,
                                                          commands_topic_, sizeof(commands_topic_));
    responses_topic_length_ = protocol::build_device_topic(
        TopicKind::responses, device_id_, responses_topic_, sizeof(responses_topic_));
  }
  mqtt::ClientCallbacks mqtt_callbacks;
  mqtt_callbacks.context = this;
  mqtt_callbacks.on_publish = &HubClient::on_publish;
  mqtt_callbacks.on_puback = &HubClient::on_puback;
  mqtt_callbacks.on_suback = &HubClient::on_suback;
  mqtt_callbacks.on_dropped = &HubClient::on_dropped;
  mqtt_.set_callbacks(mqtt_callbacks);
  if (clock_.now_ms != nullptr) uptime_checked_ms_ = clock_.now_ms(clock_.context);
}

Status HubClient::connect(const HubConnectOptions& options) noexcept {
  if (device_id_.empty()) return Status::bad_parameter;
  if (buffers_.telemetry == nullptr || buffers_.telemetry_capacity <= kTelemetryEnvelopeOverhead ||
      buffers_.response == nullptr || buffers_.response_capacity < kMinResponseCapacity) {
    return Status::buffer_too_small;
  }
  mqtt::ConnectOptions connect;
  connect.client_id = device_id_;
  connect.clean_session = options.clean_session;
  connect.keepalive_seconds = options.keepalive_seconds;
  const Status status = mqtt_.connect(connect, options.connack_timeout_ms);
  if (status != Status::ok) return status;

  subscribe_packet_id_ = 0;
  subscribed_ = false;
  subscription_refused_ = false;
  if (options.clean_session) {
    sent_.clear();  // the MQTT client forgot its packet ids too
  } else {
    // Telemetry stays for resend_telemetry(); responses have no copy left.
    for (std::size_t i = sent_.count(); i-- > 0;) {
      if (sent_.at(i).is_telemetry) continue;
      (void)mqtt_.release(sent_.at(i).packet_id);
      sent_.remove_at(i);
    }
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
    status = subscribe_to_commands();
    if (status != Status::ok && status != Status::busy) {
      report(status, "cannot subscribe to the command topic");  // e.g. a tiny send buffer
      mqtt_.connection_lost();
      return status;
    }
  }
  send_pending_response();
  return Status::ok;
}

Status HubClient::subscribe_to_commands() noexcept {
  mqtt::Subscription subscription;
  subscription.filter = std::string_view(commands_topic_, commands_topic_length_);
  subscription.qos = mqtt::QoS::at_least_once;
  return mqtt_.subscribe(&subscription, 1, &subscribe_packet_id_);
}

void HubClient::on_suback(void* context, const mqtt::Suback& suback) noexcept {
  auto* self = static_cast<HubClient*>(context);
  if (suback.packet_id != self->subscribe_packet_id_) return;
  if (suback.return_code_count == 1 && suback.return_codes[0] != mqtt::kSubackFailure) {
    self->subscribed_ = true;
  } else {
    self->subscription_refused_ = true;
  }
}

Status HubClient::send_telemetry(std::string_view data_json, std::uint64_t timestamp_ms,
                                 std::uint64_t* seq) noexcept {
  if (mqtt_.state() != mqtt::ClientState::connected) return Status::not_connected;
  std::size_t length = 0;
  Status status = build_telemetry(next_seq_, timestamp_ms, data_json, buffers_.telemetry,
                                  buffers_.telemetry_capacity, &length);
  if (status != Status::ok) return status;
  mqtt::PublishInfo publish;
  publish.topic = std::string_view(telemetry_topic_, telemetry_topic_length_);
  publish.payload = std::string_view(buffers_.telemetry, length);
  publish.qos = mqtt::QoS::at_least_once;
  std::uint16_t packet_id = 0;
  status = mqtt_.publish(publish, &packet_id);
  if (status != Status::ok) return status;
  (void)sent_.add(SentMessages::Entry{packet_id, true, next_seq_});
  if (seq != nullptr) *seq = next_seq_;
  ++next_seq_;
  ++statistics_.telemetry_sent;
  return Status::ok;
}

Status HubClient::resend_telemetry(std::uint64_t seq, std::uint64_t timestamp_ms,
                                   std::string_view data_json) noexcept {
  if (mqtt_.state() != mqtt::ClientState::connected) return Status::not_connected;
  const SentMessages::Entry* entry = sent_.find_telemetry(seq);
  if (entry == nullptr) return Status::not_found;
  std::size_t length = 0;
  const Status status = build_telemetry(seq, timestamp_ms, data_json, buffers_.telemetry,
                                        buffers_.telemetry_capacity, &length);
  if (status != Status::ok) return status;
  mqtt::PublishInfo publish;
  publish.topic = std::string_view(telemetry_topic_, telemetry_topic_length_);
  publish.payload = std::string_view(buffers_.telemetry, length);
  publish.qos = mqtt::QoS::at_least_once;
  return mqtt_.resend(publish, entry->packet_id);
}

void HubClient::on_puback(void* context, std::uint16_t packet_id) noexcept {
  auto* self = static_cast<HubClient*>(context);
  SentMessages::Entry entry;
  if (!self->sent_.take(packet_id, &entry) || !entry.is_telemetry) return;
  ++self->statistics_.telemetry_acknowledged;
  if (self->callbacks_.on_telemetry_acknowledged != nullptr) {
    self->callbacks_.on_telemetry_acknowledged(self->callbacks_.context, entry.seq);
  }
}

void HubClient::on_dropped(void* context, Status reason, std::uint16_t /*packet_id*/) noexcept {
  static_cast<HubClient*>(context)->report(reason,
                                           "incoming message larger than the receive buffer");
}

void HubClient::report(Status status, const char* what) noexcept {
  ++statistics_.problems;
  EDGEHUB_DEVICE_LOG("warn", what, static_cast<int>(status));
  if (callbacks_.on_problem != nullptr) callbacks_.on_problem(callbacks_.context, status, what);
}

std::uint64_t HubClient::uptime_ms() noexcept {
  if (clock_.now_ms == nullptr) return uptime_ms_;
  const std::uint32_t now = clock_.now_ms(clock_.context);
  uptime_ms_ += elapsed_ms(uptime_checked_ms_, now);
  uptime_checked_ms_ = now;
  return uptime_ms_;
}

}  // namespace edgehub::device::hub

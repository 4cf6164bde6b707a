#include "simulated_device.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>

#include "edgehub/device/posix/monotonic_clock.h"
#include "edgehub/device/reliability/memory_storage.h"
#include "sim_clock.h"

namespace edgehub::sim {

using device::Status;
using device::hub::HubState;

namespace {

constexpr std::uint64_t kTickMs = 500;  // keepalive and timeouts need process() now and then
constexpr std::size_t kReceiveBufferBytes = 8 * 1024;
constexpr std::size_t kResponseBufferBytes = 2 * 1024;
constexpr std::size_t kReadingBytes = 128;  // sensor values without padding
// Telemetry not yet acknowledged, per device; a full buffer refuses new
// readings until the broker catches up.
constexpr std::size_t kOfflineMessages = 16;
constexpr std::uint32_t kBackoffBaseMs = 500;
constexpr std::uint32_t kBackoffCapMs = 30'000;

}  // namespace

SimulatedDevice::SimulatedDevice(std::string id, device::posix::TlsContext identity,
                                 const DeviceSettings& settings, FleetCounters& counters,
                                 AckLog* ack_log, std::uint64_t first_attempt_ms)
    : id_(std::move(id)),
      identity_(std::move(identity)),
      settings_(settings),
      counters_(counters),
      ack_log_(ack_log),
      sensors_(std::hash<std::string>{}(id_), settings.payload_bytes),
      random_(static_cast<std::uint32_t>(std::hash<std::string>{}(id_) ^ epoch_us())),
      backoff_(device::RandomSource{&random_, &SimulatedDevice::next_random}, kBackoffBaseMs,
               kBackoffCapMs),
      send_buffer_(std::max(settings.payload_bytes, kReadingBytes) + kResponseBufferBytes + 1024),
      receive_buffer_(kReceiveBufferBytes),
      telemetry_buffer_(std::max(settings.payload_bytes, kReadingBytes) +
                        device::hub::kTelemetryEnvelopeOverhead),
      response_buffer_(kResponseBufferBytes),
      offline_storage_(device::reliability::OfflineBuffer::storage_size(kOfflineMessages,
                                                                        telemetry_buffer_.size())),
      offline_(
          device::reliability::memory_storage(offline_storage_.data(), offline_storage_.size()),
          device::reliability::OverflowPolicy::refuse_newest),
      connection_(identity_),
      next_attempt_ms_(first_attempt_ms),
      wakeup_ms_(first_attempt_ms),
      interval_ms_(settings.interval_ms) {
  device::hub::HubClientBuffers buffers;
  buffers.mqtt = {send_buffer_.data(), send_buffer_.size(), receive_buffer_.data(),
                  receive_buffer_.size()};
  buffers.telemetry = telemetry_buffer_.data();
  buffers.telemetry_capacity = telemetry_buffer_.size();
  buffers.response = response_buffer_.data();
  buffers.response_capacity = response_buffer_.size();
  (void)offline_.open();  // fresh memory: "malformed" means "formatted, empty"
  buffers.offline = &offline_;
  device::hub::HubCallbacks callbacks;
  callbacks.context = this;
  callbacks.on_telemetry_acknowledged = &SimulatedDevice::on_telemetry_acknowledged;
  callbacks.on_set_interval = &SimulatedDevice::on_set_interval;
  callbacks.on_problem = &SimulatedDevice::on_problem;
  callbacks.on_telemetry_dropped = &SimulatedDevice::on_telemetry_dropped;
  hub_ = std::make_unique<device::hub::HubClient>(
      id_, connection_.transport(), device::posix::monotonic_clock(), buffers, callbacks);
  // seq keeps increasing across restarts of the simulator (docs/protocol.md 3).
  hub_->set_next_seq(epoch_us());
}

short SimulatedDevice::poll_events() const noexcept {
  if (phase_ == Phase::waiting || phase_ == Phase::done) return 0;
  return connection_.poll_events(hub_->has_pending_send());
}

void SimulatedDevice::request_stop(std::uint64_t now_ms) {
  if (stopping_) return;
  stopping_ = true;
  stop_deadline_ms_ = now_ms + settings_.stop_grace_ms;
  wakeup_ms_ = now_ms;
}

void SimulatedDevice::drive(std::uint64_t now_ms) {
  switch (phase_) {
    case Phase::waiting:
      if (stopping_) return finish();
      if (now_ms < next_attempt_ms_) {
        wakeup_ms_ = next_attempt_ms_;
        return;
      }
      return start_connecting(now_ms);
    case Phase::tls_connecting:
      if (stopping_) return finish();
      return continue_tls(now_ms);
    case Phase::mqtt:
    case Phase::disconnecting:
      return drive_mqtt(now_ms);
    case Phase::done:
      return;
  }
}

void SimulatedDevice::start_connecting(std::uint64_t now_ms) {
  const Status status =
      connection_.start(settings_.host, settings_.port, settings_.connect_timeout_ms);
  if (status != Status::ok) return connection_failed(now_ms, status, connection_.last_error());
  phase_ = Phase::tls_connecting;
  continue_tls(now_ms);
}

void SimulatedDevice::continue_tls(std::uint64_t now_ms) {
  Status status = connection_.advance();
  if (status == Status::in_progress) {
    wakeup_ms_ = now_ms + 100;  // the connect timeout is checked on each call
    return;
  }
  if (status != Status::ok) return connection_failed(now_ms, status, connection_.last_error());
  device::hub::HubConnectOptions options;
  options.clean_session = false;
  options.keepalive_seconds = settings_.keepalive_seconds;
  options.connack_timeout_ms = settings_.connect_timeout_ms;
  status = hub_->connect(options);
  if (status != Status::ok)
    return connection_failed(now_ms, status, "MQTT connect refused locally");
  phase_ = Phase::mqtt;
  was_connected_ = false;
  drive_mqtt(now_ms);
}

void SimulatedDevice::drive_mqtt(std::uint64_t now_ms) {
  // TLS may hold decrypted bytes the socket no longer signals: drain them.
  for (int round = 0; round < 8; ++round) {
    const Status status = hub_->process();
    if (hub_->state() == HubState::disconnected && phase_ == Phase::disconnecting) return finish();
    if (status != Status::ok) {
      return connection_failed(now_ms, status, connection_.last_error());
    }
    if (!connection_.has_buffered_input()) break;
  }

  const auto answered = hub_->statistics().commands_answered;
  counters_.commands_answered += answered - answered_reported_;
  answered_reported_ = answered;

  if (hub_->mqtt().state() != device::mqtt::ClientState::connected) {
    if (stopping_ && phase_ == Phase::mqtt) return finish();  // still waiting for CONNACK
    wakeup_ms_ = now_ms + kTickMs;
    return;
  }
  if (!was_connected_) {
    was_connected_ = true;
    backoff_.reset();
    spdlog::debug("{}: connected (session present: {}, {} messages to resend)", id_,
                  hub_->mqtt().session_present(), hub_->unacknowledged_telemetry());
  }
  if (phase_ != Phase::mqtt) {
    wakeup_ms_ = now_ms + kTickMs;
    return;
  }

  if (!stopping_) send_due_telemetry(now_ms);
  const bool all_acknowledged = hub_->unacknowledged_telemetry() == 0;
  if ((finished_sending() && all_acknowledged) ||
      (stopping_ && (all_acknowledged || now_ms >= stop_deadline_ms_))) {
    if (hub_->disconnect() == Status::ok) {
      phase_ = Phase::disconnecting;
      if (hub_->state() == HubState::disconnected) return finish();
    }
    wakeup_ms_ = now_ms + 10;
    return;
  }
  wakeup_ms_ = now_ms + kTickMs;
  if (!stopping_ && !finished_sending()) wakeup_ms_ = std::min(wakeup_ms_, next_send_ms_);
  if (hub_->has_pending_send()) wakeup_ms_ = now_ms + 10;
}

void SimulatedDevice::send_due_telemetry(std::uint64_t now_ms) {
  while (!finished_sending() && now_ms >= next_send_ms_) {
    std::string data = sensors_.next_reading();
    const std::uint64_t timestamp_ms = epoch_ms();
    std::uint64_t seq = 0;
    const Status status = hub_->send_telemetry(data, timestamp_ms, &seq);
    if (status == Status::queue_full) return;  // the broker is behind: next drive
    if (status != Status::ok) {
      spdlog::error("{}: cannot send telemetry: {}", id_, device::status_name(status));
      ++counters_.errors;
      next_send_ms_ = now_ms + interval_ms_;
      return;
    }
    ++sent_;
    ++counters_.sent;
    next_send_ms_ += interval_ms_;
    // Fallen behind (a slow broker, a reconnect): skip ahead instead of a burst.
    if (next_send_ms_ + interval_ms_ <= now_ms) next_send_ms_ = now_ms + interval_ms_;
  }
}

bool SimulatedDevice::finished_sending() const noexcept {
  return settings_.count != 0 && sent_ >= settings_.count;
}

void SimulatedDevice::connection_failed(std::uint64_t now_ms, Status status,
                                        const std::string& detail) {
  ++counters_.errors;
  if (was_connected_) ++counters_.reconnects;
  const char* what = was_connected_ ? "connection lost" : "cannot connect";
  std::string reason = device::status_name(status);
  if (status == Status::connection_refused && hub_->mqtt().connack_return_code() != 0) {
    reason += " (CONNACK " + std::to_string(hub_->mqtt().connack_return_code()) + ")";
  }
  if (!detail.empty()) reason += ": " + detail;
  hub_->connection_lost();
  connection_.close();
  was_connected_ = false;
  if (stopping_) {
    spdlog::warn("{}: {} while stopping: {}", id_, what, reason);
    return finish();
  }
  const std::uint32_t delay = backoff_.next_delay_ms();
  spdlog::warn("{}: {}: {}; retrying in {} ms", id_, what, reason, delay);
  phase_ = Phase::waiting;
  next_attempt_ms_ = now_ms + delay;
  wakeup_ms_ = next_attempt_ms_;
}

void SimulatedDevice::finish() {
  connection_.close();
  phase_ = Phase::done;
  wakeup_ms_ = UINT64_MAX;
  if (hub_->unacknowledged_telemetry() != 0) {
    spdlog::warn("{}: stopped with {} telemetry messages not acknowledged", id_,
                 hub_->unacknowledged_telemetry());
  }
}

void SimulatedDevice::on_telemetry_acknowledged(void* context, std::uint64_t seq) {
  auto* self = static_cast<SimulatedDevice*>(context);
  ++self->counters_.acked;
  if (self->ack_log_ != nullptr && !self->ack_log_->record(self->id_, seq)) {
    spdlog::error("{}: cannot write seq {} to the ack log", self->id_, seq);
    ++self->counters_.errors;
  }
}

void SimulatedDevice::on_set_interval(void* context, std::uint32_t interval_ms) {
  auto* self = static_cast<SimulatedDevice*>(context);
  spdlog::info("{}: telemetry interval {} ms -> {} ms", self->id_, self->interval_ms_, interval_ms);
  self->interval_ms_ = interval_ms;
  self->next_send_ms_ = std::min(self->next_send_ms_, steady_ms() + interval_ms);
}

void SimulatedDevice::on_telemetry_dropped(void* context, std::uint64_t seq) {
  auto* self = static_cast<SimulatedDevice*>(context);
  spdlog::error("{}: seq {} dropped from the offline buffer", self->id_, seq);
  ++self->counters_.errors;
}

std::uint32_t SimulatedDevice::next_random(void* context) {
  return static_cast<std::uint32_t>((*static_cast<std::mt19937*>(context))());
}

void SimulatedDevice::on_problem(void* context, Status status, const char* what) {
  auto* self = static_cast<SimulatedDevice*>(context);
  spdlog::warn("{}: {} ({})", self->id_, what, device::status_name(status));
  ++self->counters_.errors;
}

}  // namespace edgehub::sim

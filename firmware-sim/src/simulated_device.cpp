// SimulatedDevice: connection, phases, telemetry and going offline. Commands,
// twin and flow are in simulated_device_behaviour.cpp.
#include "simulated_device.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>

#include "edgehub/device/posix/monotonic_clock.h"
#include "edgehub/device/reliability/memory_storage.h"
#include "registration.h"
#include "sim_clock.h"

namespace edgehub::sim {

using device::Status;
using device::hub::HubState;

namespace {

constexpr std::uint64_t kTickMs = 500;  // keepalive and timeouts need process() now and then
// Sized to what the protocol allows (docs/protocol.md), since a device's
// buffers cost only the pages written (device_buffers.h): a command payload
// or a desired document of up to 64 KiB (hubd --max-command-bytes,
// --max-twin-bytes) with its topic and envelope; a report of up to 32 KiB
// (--max-twin-report-bytes). The simulator's own answers are small.
constexpr std::size_t kReceiveBufferBytes = 66 * 1024;
constexpr std::size_t kResponseBufferBytes = 2 * 1024;
constexpr std::size_t kReportBufferBytes = 32 * 1024;
constexpr std::size_t kReadingBytes = 128;  // sensor values without padding
constexpr std::uint32_t kBackoffBaseMs = 500;
constexpr std::uint32_t kBackoffCapMs = 30'000;

}  // namespace

SimulatedDevice::SimulatedDevice(std::string id, const device::posix::TlsContext& trust,
                                 const DeviceSettings& settings, FleetCounters& counters,
                                 AckLog* ack_log, std::uint64_t first_attempt_ms)
    : id_(std::move(id)),
      settings_(settings),
      counters_(counters),
      ack_log_(ack_log),
      sensors_(std::hash<std::string>{}(id_), settings.payload_bytes),
      random_(std::hash<std::string>{}(id_) ^ epoch_us()),
      behaviour_random_(std::hash<std::string>{}(id_) ^ (epoch_us() << 1)),
      backoff_(device::RandomSource{&random_, &SimulatedDevice::next_random}, kBackoffBaseMs,
               kBackoffCapMs),
      started_ms_(steady_ms()),
      buffers_({.receive = kReceiveBufferBytes,
                .send = std::max(settings.payload_bytes, kReadingBytes) +
                        device::hub::kTelemetryEnvelopeOverhead + kResponseBufferBytes +
                        kReportBufferBytes + 1024,
                .response = kResponseBufferBytes,
                .report = kReportBufferBytes}),
      telemetry_buffer_(std::max(settings.payload_bytes, kReadingBytes) +
                        device::hub::kTelemetryEnvelopeOverhead),
      offline_storage_(device::reliability::OfflineBuffer::storage_size(
          settings.offline_buffer_messages, telemetry_buffer_.size())),
      sent_at_us_(settings.offline_buffer_messages),
      offline_buffer_(
          device::reliability::memory_storage(offline_storage_.data(), offline_storage_.size()),
          device::reliability::OverflowPolicy::refuse_newest),
      connection_(trust),
      link_(&steady_ms),
      commands_(settings.commands, behaviour_random_, *this),
      twin_(settings.interval_ms),
      next_attempt_ms_(first_attempt_ms),
      wakeup_ms_(first_attempt_ms) {
  device::hub::HubClientBuffers buffers;
  buffers.mqtt = {buffers_.send(), buffers_.sizes().send, buffers_.receive(),
                  buffers_.sizes().receive};
  buffers.telemetry = telemetry_buffer_.data();
  buffers.telemetry_capacity = telemetry_buffer_.size();
  buffers.response = buffers_.response();
  buffers.response_capacity = buffers_.sizes().response;
  buffers.report = buffers_.report();
  buffers.report_capacity = buffers_.sizes().report;
  (void)offline_buffer_.open();  // fresh memory: "malformed" means "formatted, empty"
  buffers.offline = &offline_buffer_;
  device::hub::HubCallbacks callbacks;
  callbacks.context = this;
  callbacks.on_telemetry_acknowledged = &SimulatedDevice::on_telemetry_acknowledged;
  // No on_set_interval: set-interval goes to on_command, so that it gets the
  // same latency, failures and redelivery handling as any command.
  callbacks.on_command = &SimulatedDevice::on_command;
  callbacks.on_desired = &SimulatedDevice::on_desired;  // opts in to twins: subscribes to desired
  callbacks.on_flow = &SimulatedDevice::on_flow;
  callbacks.on_problem = &SimulatedDevice::on_problem;
  callbacks.on_telemetry_dropped = &SimulatedDevice::on_telemetry_dropped;
  link_.set_inner(connection_.transport());
  hub_ = std::make_unique<device::hub::HubClient>(
      id_, link_.transport(), device::posix::monotonic_clock(), buffers, callbacks);
  // seq and report versions keep increasing across restarts of the simulator
  // (docs/protocol.md 3 and 4.4): both start at the wall clock.
  hub_->set_next_seq(epoch_us());
  hub_->set_next_report_version(epoch_ms());
}

LinkState SimulatedDevice::link_state() const noexcept {
  switch (phase_) {
    case Phase::waiting:
      return LinkState::offline;
    case Phase::tls_connecting:
      return LinkState::connecting;
    case Phase::mqtt:
      return connected() ? LinkState::connected : LinkState::connecting;
    case Phase::disconnecting:
      return LinkState::connected;
    case Phase::done:
      return LinkState::done;
  }
  return LinkState::offline;
}

short SimulatedDevice::poll_events() const noexcept {
  if (phase_ == Phase::waiting || phase_ == Phase::done) return 0;
  // While busy with a command nothing is sent: no need to wait for writability.
  return connection_.poll_events(hub_->has_pending_send() && !link_.busy());
}

void SimulatedDevice::request_stop(std::uint64_t now_ms) {
  if (stopping_) return;
  stopping_ = true;
  stop_deadline_ms_ = now_ms + settings_.stop_grace_ms;
  flush_on_stop_ = offline_on_purpose_ && hub_->unacknowledged_telemetry() != 0;
  wakeup_ms_ = now_ms;
}

void SimulatedDevice::drive(std::uint64_t now_ms) {
  switch (phase_) {
    case Phase::waiting:
      if (stopping_) return flushing_before_stop(now_ms) ? start_connecting(now_ms) : finish();
      // Offline (on purpose, or reconnecting): the device goes on measuring.
      if (ever_connected_) send_due_telemetry(now_ms);
      if (now_ms < next_attempt_ms_) return plan_wakeup(now_ms);
      // Due: take the next slot of the fleet's connect ramp, then wait for it.
      if (!attempt_slot_taken_ && settings_.pacer != nullptr) {
        attempt_slot_taken_ = true;
        const std::uint64_t slot_ms = (settings_.pacer->claim(steady_us()) + 999) / 1000;
        if (slot_ms > now_ms) {
          next_attempt_ms_ = slot_ms;
          return plan_wakeup(now_ms);
        }
      }
      return start_connecting(now_ms);
    case Phase::tls_connecting:
      if (stopping_ && !flushing_before_stop(now_ms)) return finish();
      return continue_tls(now_ms);
    case Phase::mqtt:
    case Phase::disconnecting:
      return drive_mqtt(now_ms);
    case Phase::done:
      return;
  }
}

void SimulatedDevice::start_connecting(std::uint64_t now_ms) {
  if (offline_on_purpose_) {
    offline_on_purpose_ = false;
    spdlog::info("{}: back online after going offline on purpose", id_);
  }
  if (!identity_.loaded()) {
    // Lazily: a fleet of thousands starts connecting at once instead of
    // parsing every key first, and a device never connected costs no key.
    const auto certificate = certificate_path(settings_.cert_dir, id_).string();
    const auto key = private_key_path(settings_.cert_dir, id_).string();
    if (identity_.load(certificate, key) != Status::ok) {
      spdlog::error("{}: {}: not connecting", id_, identity_.error());
      counters_.count_error(ErrorKind::credentials);
      return finish();
    }
    connection_.set_identity(&identity_);
  }
  ++sockets_opened_;
  attempt_slot_taken_ = false;
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

bool SimulatedDevice::connected() const noexcept {
  return hub_->mqtt().state() == device::mqtt::ClientState::connected;
}

void SimulatedDevice::drive_mqtt(std::uint64_t now_ms) {
  // TLS may hold decrypted bytes the socket no longer signals: drain them.
  for (int round = 0; round < 8; ++round) {
    const Status status = hub_->process();
    if (hub_->state() == HubState::disconnected && phase_ == Phase::disconnecting) {
      return offline_on_purpose_ ? offline_now(now_ms) : finish();
    }
    if (status != Status::ok) {
      return connection_failed(now_ms, status, connection_.last_error());
    }
    if (!connection_.has_buffered_input()) break;
  }

  const auto answered = hub_->statistics().commands_answered;
  counters_.commands_answered += answered - answered_reported_;
  answered_reported_ = answered;
  const auto reports = hub_->statistics().reports_sent;
  counters_.twin_reports += reports - reports_counted_;
  reports_counted_ = reports;

  if (!connected()) {
    // Still waiting for CONNACK.
    if (stopping_ && phase_ == Phase::mqtt && !flushing_before_stop(now_ms)) return finish();
    wakeup_ms_ = now_ms + kTickMs;
    return;
  }
  if (!was_connected_) connection_established(now_ms);
  if (phase_ != Phase::mqtt) {
    wakeup_ms_ = now_ms + kTickMs;
    return;
  }

  if (!stopping_) send_due_telemetry(now_ms);
  send_pending_report();
  const bool all_acknowledged = hub_->unacknowledged_telemetry() == 0;
  if (finished_sending() && all_acknowledged) completed_ = true;
  if ((completed_ && !link_.busy()) ||
      (stopping_ && (all_acknowledged || now_ms >= stop_deadline_ms_))) {
    if (hub_->disconnect() == Status::ok) {
      phase_ = Phase::disconnecting;
      if (hub_->state() == HubState::disconnected) return finish();
    }
    wakeup_ms_ = now_ms + 10;
    return;
  }
  if (!stopping_ && now_ms >= offline_at_ms_) return go_offline(now_ms);
  plan_wakeup(now_ms);
  if (hub_->has_pending_send()) {
    wakeup_ms_ = link_.busy() ? std::min(wakeup_ms_, link_.busy_until_ms()) : now_ms + 10;
  }
}

void SimulatedDevice::connection_established(std::uint64_t now_ms) {
  was_connected_ = true;
  ever_connected_ = true;
  ++counters_.connects;
  backoff_.reset();
  spdlog::debug("{}: connected (session present: {}, {} messages to resend)", id_,
                hub_->mqtt().session_present(), hub_->unacknowledged_telemetry());
  if (settings_.offline.enabled()) {
    offline_at_ms_ = now_ms + settings_.offline.draw_online_ms(behaviour_random_);
  }
  // A report sent on the lost connection may never have arrived: report the
  // whole twin again.
  if (twin_.applied_version() != 0) {
    twin_.forget_reported();
    report_pending_ = true;
  }
}

// When drive() is next needed: the next reading, planned change of
// connection, or the keepalive tick.
void SimulatedDevice::plan_wakeup(std::uint64_t now_ms) {
  std::uint64_t next = now_ms + kTickMs;
  const bool measuring = phase_ == Phase::mqtt || (phase_ == Phase::waiting && ever_connected_);
  if (measuring && !stopping_ && !finished_sending()) next = std::min(next, next_send_ms_);
  if (phase_ == Phase::waiting) next = std::min(next, next_attempt_ms_);
  if (phase_ == Phase::mqtt) next = std::min(next, offline_at_ms_);
  wakeup_ms_ = std::max(next, now_ms);
}

void SimulatedDevice::send_due_telemetry(std::uint64_t now_ms) {
  const std::uint32_t override_ms =
      settings_.interval_override_ms == nullptr ? 0 : settings_.interval_override_ms->load();
  const std::uint32_t interval_ms = override_ms != 0 ? override_ms : twin_.interval_ms();
  while (!finished_sending() && now_ms >= next_send_ms_) {
    if (paused_) {
      // The hub refuses this device's telemetry for now: no new readings
      // until it resumes (the SDK keeps what it has).
      next_send_ms_ = now_ms + interval_ms;
      return;
    }
    std::string data = sensors_.next_reading();
    const std::uint64_t timestamp_ms = epoch_ms();
    std::uint64_t seq = 0;
    const Status status = hub_->send_telemetry(data, timestamp_ms, &seq);
    if (status == Status::queue_full) {
      // The buffer is full (offline too long, or the broker is behind): this
      // reading is not taken; try again at the next interval.
      ++counters_.telemetry_held_back;
      next_send_ms_ = now_ms + interval_ms;
      return;
    }
    if (status != Status::ok) {
      spdlog::error("{}: cannot send telemetry: {}", id_, device::status_name(status));
      counters_.count_error(ErrorKind::telemetry);
      next_send_ms_ = now_ms + interval_ms;
      return;
    }
    ++sent_;
    ++counters_.sent;
    if (!sent_at_us_.empty()) sent_at_us_[seq % sent_at_us_.size()] = steady_us();
    if (!connected()) ++counters_.telemetry_buffered_offline;
    next_send_ms_ += interval_ms;
    // Fallen behind (a slow broker, a reconnect): skip ahead instead of a burst.
    if (next_send_ms_ + interval_ms <= now_ms) next_send_ms_ = now_ms + interval_ms;
  }
}

bool SimulatedDevice::finished_sending() const noexcept {
  return settings_.count != 0 && sent_ >= settings_.count;
}

void SimulatedDevice::connection_failed(std::uint64_t now_ms, Status status,
                                        const std::string& detail) {
  if (offline_on_purpose_ && phase_ == Phase::disconnecting) return offline_now(now_ms);
  counters_.count_error(was_connected_              ? ErrorKind::connection_lost
                        : status == Status::timeout ? ErrorKind::connect_timeout
                                                    : ErrorKind::connect_refused);
  if (was_connected_) ++counters_.reconnects;
  const char* what = was_connected_ ? "connection lost" : "cannot connect";
  std::string reason = device::status_name(status);
  if (status == Status::connection_refused && hub_->mqtt().connack_return_code() != 0) {
    reason += " (CONNACK " + std::to_string(hub_->mqtt().connack_return_code()) + ")";
  }
  if (!detail.empty()) reason += ": " + detail;
  hub_->connection_lost();
  connection_.close();
  link_.clear();  // an answer held back went with the connection
  was_connected_ = false;
  offline_at_ms_ = UINT64_MAX;
  if (stopping_) {
    spdlog::warn("{}: {} while stopping: {}", id_, what, reason);
    return finish();
  }
  const std::uint32_t delay = backoff_.next_delay_ms();
  spdlog::warn("{}: {}: {}; retrying in {} ms", id_, what, reason, delay);
  phase_ = Phase::waiting;
  next_attempt_ms_ = now_ms + delay;
  plan_wakeup(now_ms);
}

void SimulatedDevice::drop_connection(std::uint64_t now_ms) {
  if (stopping_ || (phase_ != Phase::mqtt && phase_ != Phase::tls_connecting)) return;
  offline_on_purpose_ = true;
  ++counters_.offline_periods;
  back_online_ms_ = now_ms;
  offline_now(now_ms);
}

// --offline-every: the planned online period is over.
void SimulatedDevice::go_offline(std::uint64_t now_ms) {
  offline_on_purpose_ = true;
  offline_at_ms_ = UINT64_MAX;
  ++counters_.offline_periods;
  back_online_ms_ = now_ms + settings_.offline.draw_offline_ms(behaviour_random_);
  spdlog::info("{}: going offline ({}) for {} ms", id_, offline_mode_name(settings_.offline.mode),
               back_online_ms_ - now_ms);
  if (settings_.offline.mode == OfflineMode::disconnect && hub_->disconnect() == Status::ok) {
    phase_ = Phase::disconnecting;  // offline_now() once DISCONNECT is out
    if (hub_->state() != HubState::disconnected) {
      wakeup_ms_ = now_ms + 10;
      return;
    }
  }
  offline_now(now_ms);
}

void SimulatedDevice::offline_now(std::uint64_t now_ms) {
  hub_->connection_lost();
  connection_.close();
  link_.clear();
  was_connected_ = false;
  phase_ = Phase::waiting;
  next_attempt_ms_ = back_online_ms_;
  plan_wakeup(now_ms);
}

void SimulatedDevice::finish() {
  connection_.close();
  phase_ = Phase::done;
  wakeup_ms_ = UINT64_MAX;
  count_command_statistics();
  if (completed_) ++counters_.devices_completed;
  if (hub_->unacknowledged_telemetry() != 0) {
    spdlog::warn("{}: stopped with {} telemetry messages not acknowledged", id_,
                 hub_->unacknowledged_telemetry());
  }
}

void SimulatedDevice::on_telemetry_acknowledged(void* context, std::uint64_t seq) {
  auto* self = static_cast<SimulatedDevice*>(context);
  ++self->counters_.acked;
  // Unacknowledged messages never outnumber the offline buffer's slots, so
  // seq modulo its size names this message's publish time.
  if (!self->sent_at_us_.empty()) {
    const std::uint64_t sent_at = self->sent_at_us_[seq % self->sent_at_us_.size()];
    const std::uint64_t now = steady_us();
    if (sent_at != 0 && now >= sent_at) self->counters_.record_puback_latency(now - sent_at);
  }
  if (self->ack_log_ != nullptr && !self->ack_log_->record(self->id_, seq)) {
    spdlog::error("{}: cannot write seq {} to the ack log", self->id_, seq);
    self->counters_.count_error(ErrorKind::telemetry);
  }
}

void SimulatedDevice::on_telemetry_dropped(void* context, std::uint64_t seq) {
  auto* self = static_cast<SimulatedDevice*>(context);
  spdlog::error("{}: seq {} dropped from the offline buffer", self->id_, seq);
  self->counters_.count_error(ErrorKind::telemetry);
}

std::uint32_t SimulatedDevice::next_random(void* context) {
  return static_cast<std::uint32_t>(static_cast<SeededRandom*>(context)->next() >> 32);
}

void SimulatedDevice::on_problem(void* context, Status status, const char* what) {
  auto* self = static_cast<SimulatedDevice*>(context);
  spdlog::warn("{}: {} ({})", self->id_, what, device::status_name(status));
  self->counters_.count_error(ErrorKind::protocol);
}

}  // namespace edgehub::sim

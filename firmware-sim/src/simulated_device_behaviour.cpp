// SimulatedDevice: what the device does with commands, its twin and the hub's
// flow notices. The decisions are in CommandDesk and TwinState; this file
// connects them to the SDK's callbacks and counts what happened.
#include <spdlog/spdlog.h>

#include <cstring>

#include "sim_clock.h"
#include "simulated_device.h"

namespace edgehub::sim {

using device::Status;

void SimulatedDevice::on_command(void* context, const device::hub::Command& command,
                                 device::hub::CommandReply& reply) {
  auto* self = static_cast<SimulatedDevice*>(context);
  const IncomingCommand incoming{command.id(), command.name(), command.payload(),
                                 command.deadline_ms()};
  const CommandOutcome outcome = self->commands_.receive(incoming, epoch_ms());
  self->count_command_statistics();
  self->link_.add_work(outcome.busy_ms);
  const std::string& payload = outcome.answer.payload;
  if (payload.size() > reply.capacity) {
    spdlog::error("{}: answer to command {} does not fit the response buffer", self->id_,
                  command.id());
    self->counters_.count_error(ErrorKind::behaviour);
    reply.status = kStatusSimulatedFailure;
    reply.length = 0;
    return;
  }
  reply.status = outcome.answer.status;
  std::memcpy(reply.payload, payload.data(), payload.size());
  reply.length = payload.size();
  if (outcome.busy_ms != 0) {
    spdlog::debug("{}: command {} answered {} in {} ms", self->id_, command.id(),
                  outcome.answer.status, outcome.busy_ms);
  }
}

// Adds what the command desk counted since the last call to the fleet's counters.
void SimulatedDevice::count_command_statistics() {
  const CommandDeskStatistics& now = commands_.statistics();
  counters_.commands_received += now.received - commands_counted_.received;
  counters_.commands_executed += now.executed - commands_counted_.executed;
  counters_.commands_failed += now.failed - commands_counted_.failed;
  counters_.commands_deadline_passed += now.deadline_passed - commands_counted_.deadline_passed;
  counters_.commands_duplicates += now.duplicates - commands_counted_.duplicates;
  commands_counted_ = now;
}

std::uint64_t SimulatedDevice::uptime_ms() { return steady_ms() - started_ms_; }

void SimulatedDevice::set_interval(std::uint32_t interval_ms) {
  spdlog::info("{}: telemetry interval {} ms -> {} ms", id_, twin_.interval_ms(), interval_ms);
  twin_.set_interval(interval_ms);
  next_send_ms_ = std::min(next_send_ms_, steady_ms() + interval_ms);
  // The twin's reported interval_ms follows the device's actual interval.
  if (twin_.applied_version() != 0) report_pending_ = true;
}

void SimulatedDevice::on_desired(void* context, std::uint64_t version,
                                 std::string_view desired_json) {
  auto* self = static_cast<SimulatedDevice*>(context);
  const std::uint32_t interval_before = self->twin_.interval_ms();
  const auto result = self->twin_.apply(version, desired_json);
  if (!result) {
    // The SDK parsed it as an object; nlohmann disagreeing would be a bug.
    spdlog::error("{}: desired version {} is not a JSON object: not applied", self->id_, version);
    self->counters_.count_error(ErrorKind::behaviour);
    return;
  }
  ++self->counters_.twin_desired_applied;
  if (result->new_interval_ms) {
    spdlog::info("{}: twin desired v{}: telemetry interval {} ms -> {} ms", self->id_, version,
                 interval_before, *result->new_interval_ms);
    self->next_send_ms_ = std::min(self->next_send_ms_, steady_ms() + *result->new_interval_ms);
  } else {
    spdlog::debug("{}: twin desired v{} applied", self->id_, version);
  }
  if (result->interval_refused) {
    spdlog::warn("{}: twin desired v{}: interval_ms is not an integer >= 10; keeping {} ms",
                 self->id_, version, self->twin_.interval_ms());
  }
  self->report_pending_ = true;
  self->send_pending_report();
}

// Reports the twin as the device holds it, with the applied desired version.
void SimulatedDevice::send_pending_report() {
  if (!report_pending_) return;
  const std::string patch = twin_.report_patch();
  std::uint64_t version = 0;
  const Status status = hub_->report_properties(patch, twin_.applied_version(), &version);
  if (status == Status::busy) return;  // the previous report is still on its way: next drive
  report_pending_ = false;
  if (status != Status::ok) {
    spdlog::error("{}: cannot report the twin: {}", id_, device::status_name(status));
    counters_.count_error(ErrorKind::behaviour);
    return;
  }
  twin_.mark_reported();
  spdlog::debug("{}: twin reported v{} (desired v{}): {}", id_, version, twin_.applied_version(),
                patch);
}

void SimulatedDevice::on_flow(void* context, const device::hub::FlowNotice& notice) {
  auto* self = static_cast<SimulatedDevice*>(context);
  const bool paused = notice.state == device::hub::FlowState::paused;
  if (paused == self->paused_) return;
  self->paused_ = paused;
  if (paused) {
    ++self->counters_.flow_paused;
    spdlog::warn("{}: hub paused telemetry (first refused seq {}, retry after {} ms)", self->id_,
                 notice.first_refused_seq, notice.retry_after_ms);
  } else {
    ++self->counters_.flow_resumed;
    spdlog::info("{}: hub resumed telemetry", self->id_);
  }
}

}  // namespace edgehub::sim

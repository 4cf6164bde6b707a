#include "fleet_stats.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace edgehub::sim {
namespace {

double per_second(std::uint64_t earlier, std::uint64_t later, double seconds) {
  if (seconds <= 0 || later < earlier) return 0;
  return static_cast<double>(later - earlier) / seconds;
}

// Milliseconds with a precision that suits the value: 0.084, 1.2, 16.
std::string format_ms(std::uint64_t microseconds) {
  const double ms = static_cast<double>(microseconds) / 1000.0;
  char text[32];
  std::snprintf(text, sizeof text, ms < 1 ? "%.3f ms" : ms < 10 ? "%.1f ms" : "%.0f ms", ms);
  return text;
}

// Rounded to 1/per_unit (1000: milliseconds): divided last, so that the JSON
// shows 1.517, not 1.5170000000000001.
double round_to(double value, double per_unit) { return std::round(value * per_unit) / per_unit; }

nlohmann::ordered_json errors_by_kind_json(const FleetSnapshot& snapshot) {
  nlohmann::ordered_json kinds = nlohmann::ordered_json::object();
  for (std::size_t kind = 0; kind < kErrorKinds; ++kind) {
    kinds[error_kind_name(static_cast<ErrorKind>(kind))] = snapshot.errors_by_kind[kind];
  }
  return kinds;
}

}  // namespace

FleetRates rates_between(const FleetSnapshot& earlier, const FleetSnapshot& later) {
  FleetRates rates;
  rates.seconds =
      later.at_ms > earlier.at_ms ? static_cast<double>(later.at_ms - earlier.at_ms) / 1000.0 : 0;
  rates.sent_per_s = per_second(earlier.sent, later.sent, rates.seconds);
  rates.acked_per_s = per_second(earlier.acked, later.acked, rates.seconds);
  rates.connects_per_s = per_second(earlier.connects, later.connects, rates.seconds);
  const LatencyHistogram window = later.puback_latency.since(earlier.puback_latency);
  rates.puback_samples = window.total();
  rates.puback_p50_us = window.percentile(0.50);
  rates.puback_p99_us = window.percentile(0.99);
  return rates;
}

std::string stats_line(const FleetSnapshot& now, const FleetRates& rates) {
  std::string line = "stats: " + std::to_string(now.gauges.connected) + " connected, " +
                     std::to_string(now.gauges.connecting) + " connecting, " +
                     std::to_string(now.gauges.offline) + " offline, " +
                     std::to_string(now.gauges.done) + " done | telemetry " +
                     std::to_string(std::llround(rates.sent_per_s)) + "/s sent, " +
                     std::to_string(std::llround(rates.acked_per_s)) + "/s acked";
  if (rates.puback_samples > 0) {
    line +=
        ", PUBACK p50 " + format_ms(rates.puback_p50_us) + " p99 " + format_ms(rates.puback_p99_us);
  }
  line += " | commands answered " + std::to_string(now.commands_answered) + " | errors " +
          std::to_string(now.errors);
  std::string kinds;
  for (std::size_t kind = 0; kind < kErrorKinds; ++kind) {
    if (now.errors_by_kind[kind] == 0) continue;
    if (!kinds.empty()) kinds += ", ";
    kinds += std::string(error_kind_name(static_cast<ErrorKind>(kind))) + " " +
             std::to_string(now.errors_by_kind[kind]);
  }
  if (!kinds.empty()) line += " (" + kinds + ")";
  return line;
}

std::string stats_json(const FleetSnapshot& now, const FleetRates& rates,
                       std::uint64_t started_ms) {
  const double elapsed =
      now.at_ms > started_ms ? static_cast<double>(now.at_ms - started_ms) / 1000.0 : 0;
  return nlohmann::ordered_json{
      {"type", "stats"},
      {"elapsed_s", round_to(elapsed, 1000)},
      {"devices", now.devices},
      {"connected", now.gauges.connected},
      {"connecting", now.gauges.connecting},
      {"offline", now.gauges.offline},
      {"done", now.gauges.done},
      {"sent_per_s", round_to(rates.sent_per_s, 10)},
      {"acked_per_s", round_to(rates.acked_per_s, 10)},
      {"puback_p50_ms", static_cast<double>(rates.puback_p50_us) / 1000.0},
      {"puback_p99_ms", static_cast<double>(rates.puback_p99_us) / 1000.0},
      {"sent", now.sent},
      {"acked", now.acked},
      {"commands_answered", now.commands_answered},
      {"errors", now.errors},
      {"errors_by_kind", errors_by_kind_json(now)}}
      .dump();
}

RampProgress ramp_progress(const FleetSnapshot& now, const FleetRates& rates) {
  RampProgress progress;
  progress.connected = now.gauges.connected;
  progress.devices = now.devices;
  progress.connects_per_s = rates.connects_per_s;
  if (progress.connected >= progress.devices) {
    progress.eta_s = 0;
  } else if (rates.connects_per_s > 0) {
    progress.eta_s =
        static_cast<double>(progress.devices - progress.connected) / rates.connects_per_s;
  }
  return progress;
}

std::string progress_line(const RampProgress& progress) {
  std::string line = "ramp-up: connected " + std::to_string(progress.connected) + " of " +
                     std::to_string(progress.devices) + " (" +
                     std::to_string(std::llround(progress.connects_per_s)) + "/s), ETA ";
  line += progress.eta_s ? std::to_string(std::llround(std::ceil(*progress.eta_s))) + " s"
                         : std::string("unknown");
  return line;
}

std::string progress_json(const RampProgress& progress, std::uint64_t at_ms,
                          std::uint64_t started_ms) {
  const double elapsed = at_ms > started_ms ? static_cast<double>(at_ms - started_ms) / 1000.0 : 0;
  nlohmann::ordered_json line{{"type", "progress"},
                              {"elapsed_s", round_to(elapsed, 1000)},
                              {"connected", progress.connected},
                              {"devices", progress.devices},
                              {"connects_per_s", round_to(progress.connects_per_s, 10)},
                              {"eta_s", nullptr}};
  if (progress.eta_s) line["eta_s"] = round_to(*progress.eta_s, 10);
  return line.dump();
}

std::string summary_json(const FleetSnapshot& start, const FleetSnapshot& end, bool with_type) {
  const FleetRates run = rates_between(start, end);
  const FleetSnapshot& c = end;
  nlohmann::ordered_json summary = nlohmann::ordered_json::object();
  if (with_type) summary["type"] = "summary";
  summary.update(
      nlohmann::ordered_json{{"devices", c.devices},
                             {"sent", c.sent},
                             {"acked", c.acked},
                             {"devices_completed", c.devices_completed},
                             {"commands_answered", c.commands_answered},
                             {"errors", c.errors},
                             {"reconnects", c.reconnects},
                             {"commands_received", c.commands_received},
                             {"commands_executed", c.commands_executed},
                             {"commands_failed", c.commands_failed},
                             {"commands_deadline_passed", c.commands_deadline_passed},
                             {"commands_duplicates", c.commands_duplicates},
                             {"offline_periods", c.offline_periods},
                             {"telemetry_buffered_offline", c.telemetry_buffered_offline},
                             {"telemetry_held_back", c.telemetry_held_back},
                             {"twin_desired_applied", c.twin_desired_applied},
                             {"twin_reports", c.twin_reports},
                             {"flow_paused", c.flow_paused},
                             {"flow_resumed", c.flow_resumed},
                             {"connects", c.connects},
                             {"connected", c.gauges.connected},
                             {"connecting", c.gauges.connecting},
                             {"offline", c.gauges.offline},
                             {"done", c.gauges.done},
                             {"elapsed_s", round_to(run.seconds, 1000)},
                             {"sent_per_s", round_to(run.sent_per_s, 10)},
                             {"acked_per_s", round_to(run.acked_per_s, 10)},
                             {"puback_p50_ms", static_cast<double>(run.puback_p50_us) / 1000.0},
                             {"puback_p99_ms", static_cast<double>(run.puback_p99_us) / 1000.0},
                             {"errors_by_kind", errors_by_kind_json(c)}});
  return summary.dump();
}

}  // namespace edgehub::sim

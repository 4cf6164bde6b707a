#include "fleet_counters.h"

namespace edgehub::sim {

const char* error_kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::connect_refused:
      return "connect_refused";
    case ErrorKind::connect_timeout:
      return "connect_timeout";
    case ErrorKind::connection_lost:
      return "connection_lost";
    case ErrorKind::protocol:
      return "protocol";
    case ErrorKind::telemetry:
      return "telemetry";
    case ErrorKind::behaviour:
      return "behaviour";
    case ErrorKind::credentials:
      return "credentials";
  }
  return "unknown";
}

void FleetCounters::set_gauges(const FleetGauges& gauges) noexcept {
  connected.store(gauges.connected, std::memory_order_relaxed);
  connecting.store(gauges.connecting, std::memory_order_relaxed);
  offline.store(gauges.offline, std::memory_order_relaxed);
  done.store(gauges.done, std::memory_order_relaxed);
}

void accumulate(FleetSnapshot& s, const FleetCounters& c) {
  const auto get = [](const std::atomic<std::uint64_t>& value) {
    return value.load(std::memory_order_relaxed);
  };
  s.gauges.connected += get(c.connected);
  s.gauges.connecting += get(c.connecting);
  s.gauges.offline += get(c.offline);
  s.gauges.done += get(c.done);
  s.sent += get(c.sent);
  s.acked += get(c.acked);
  s.devices_completed += get(c.devices_completed);
  s.commands_answered += get(c.commands_answered);
  s.errors += get(c.errors);
  s.reconnects += get(c.reconnects);
  s.connects += get(c.connects);
  for (std::size_t kind = 0; kind < kErrorKinds; ++kind) {
    s.errors_by_kind[kind] += get(c.errors_by_kind[kind]);
  }
  s.commands_received += get(c.commands_received);
  s.commands_executed += get(c.commands_executed);
  s.commands_failed += get(c.commands_failed);
  s.commands_deadline_passed += get(c.commands_deadline_passed);
  s.commands_duplicates += get(c.commands_duplicates);
  s.offline_periods += get(c.offline_periods);
  s.telemetry_buffered_offline += get(c.telemetry_buffered_offline);
  s.telemetry_held_back += get(c.telemetry_held_back);
  s.twin_desired_applied += get(c.twin_desired_applied);
  s.twin_reports += get(c.twin_reports);
  s.flow_paused += get(c.flow_paused);
  s.flow_resumed += get(c.flow_resumed);
  for (std::size_t bucket = 0; bucket < kLatencyBuckets; ++bucket) {
    s.puback_latency.counts[bucket] += get(c.puback_latency[bucket]);
  }
}

}  // namespace edgehub::sim

// What the fleet does, counted on the hot path: one FleetCounters per worker
// thread (only that thread writes it, so the atomics are never contended),
// read once a second by the statistics thread (fleet_stats.h) and summed.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "latency_histogram.h"

namespace edgehub::sim {

// Why something went wrong; `errors` is their sum.
enum class ErrorKind : std::uint8_t {
  connect_refused,  // TCP, TLS or MQTT refused a connect (not a timeout)
  connect_timeout,  // a connect (TCP + TLS + CONNACK) took longer than its timeout
  connection_lost,  // an established connection broke
  protocol,         // problems the SDK reported on a live connection
  telemetry,        // a reading not sent, dropped from the buffer, or not logged
  behaviour,        // a command answer or twin the device could not handle
  credentials,      // a device's certificate or key could not be loaded
};
inline constexpr std::size_t kErrorKinds = 7;
const char* error_kind_name(ErrorKind kind) noexcept;

// Where each device is, counted by its worker after every round.
struct FleetGauges {
  std::uint64_t connected = 0;   // MQTT session up
  std::uint64_t connecting = 0;  // TCP, TLS or waiting for CONNACK
  std::uint64_t offline = 0;     // not connected: waiting to (re)connect or away on purpose
  std::uint64_t done = 0;        // finished (--count reached, or stopped)
};

struct FleetCounters {
  std::atomic<std::uint64_t> sent{0};  // telemetry messages published (not resends)
  // Telemetry PUBACKs; a message the hub refused while it paused the device
  // is sent and acknowledged again after "resumed", so it counts twice.
  std::atomic<std::uint64_t> acked{0};
  // Devices that sent their --count and had every message acknowledged.
  std::atomic<std::uint64_t> devices_completed{0};
  std::atomic<std::uint64_t> commands_answered{0};  // responses published
  std::atomic<std::uint64_t> errors{0};             // every error, whatever its kind
  std::atomic<std::uint64_t> reconnects{0};         // connections lost after they were up
  std::array<std::atomic<std::uint64_t>, kErrorKinds> errors_by_kind{};
  std::atomic<std::uint64_t> connects{0};  // connections that reached CONNACK

  // Commands (command_desk.h).
  std::atomic<std::uint64_t> commands_received{0};
  std::atomic<std::uint64_t> commands_executed{0};
  std::atomic<std::uint64_t> commands_failed{0};           // simulated failures, answered 500
  std::atomic<std::uint64_t> commands_deadline_passed{0};  // not executed, answered 408
  std::atomic<std::uint64_t> commands_duplicates{0};       // redeliveries, not executed again
  // Going offline on purpose (--offline-every) and what happened meanwhile.
  std::atomic<std::uint64_t> offline_periods{0};
  std::atomic<std::uint64_t> telemetry_buffered_offline{0};  // readings stored while offline
  std::atomic<std::uint64_t> telemetry_held_back{0};  // readings not taken: the buffer was full
  // Twins and flow control.
  std::atomic<std::uint64_t> twin_desired_applied{0};
  std::atomic<std::uint64_t> twin_reports{0};
  std::atomic<std::uint64_t> flow_paused{0};
  std::atomic<std::uint64_t> flow_resumed{0};

  // Publish-to-PUBACK latency of telemetry, microseconds (latency_histogram.h).
  std::array<std::atomic<std::uint64_t>, kLatencyBuckets> puback_latency{};
  // The worker's last count of its devices' states.
  std::atomic<std::uint64_t> connected{0};
  std::atomic<std::uint64_t> connecting{0};
  std::atomic<std::uint64_t> offline{0};
  std::atomic<std::uint64_t> done{0};

  void count_error(ErrorKind kind) noexcept {
    errors.fetch_add(1, std::memory_order_relaxed);
    errors_by_kind[static_cast<std::size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
  }
  void record_puback_latency(std::uint64_t microseconds) noexcept {
    puback_latency[latency_bucket(microseconds)].fetch_add(1, std::memory_order_relaxed);
  }
  void set_gauges(const FleetGauges& gauges) noexcept;
};

// Every counter of one moment, summed over the workers: plain values for the
// pure statistics (fleet_stats.h).
struct FleetSnapshot {
  std::uint64_t at_ms = 0;  // steady clock
  std::uint64_t devices = 0;
  FleetGauges gauges;
  std::uint64_t sent = 0, acked = 0, devices_completed = 0, commands_answered = 0, errors = 0,
                reconnects = 0, connects = 0;
  std::array<std::uint64_t, kErrorKinds> errors_by_kind{};
  std::uint64_t commands_received = 0, commands_executed = 0, commands_failed = 0,
                commands_deadline_passed = 0, commands_duplicates = 0;
  std::uint64_t offline_periods = 0, telemetry_buffered_offline = 0, telemetry_held_back = 0;
  std::uint64_t twin_desired_applied = 0, twin_reports = 0, flow_paused = 0, flow_resumed = 0;
  LatencyHistogram puback_latency;
};

// Adds what counters hold now to snapshot (call once per worker).
void accumulate(FleetSnapshot& snapshot, const FleetCounters& counters);

}  // namespace edgehub::sim

// Live fleet statistics, without I/O: rates and PUBACK percentiles between
// two snapshots of the counters (fleet_counters.h), the once-a-second line on
// stderr, the same as a JSON object (--stats-json), the ramp-up progress, and
// the summary at exit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fleet_counters.h"

namespace edgehub::sim {

// What happened between two snapshots.
struct FleetRates {
  double seconds = 0;
  double sent_per_s = 0;
  double acked_per_s = 0;
  double connects_per_s = 0;  // connections that reached CONNACK
  std::uint64_t puback_p50_us = 0;
  std::uint64_t puback_p99_us = 0;
  std::uint64_t puback_samples = 0;
};

FleetRates rates_between(const FleetSnapshot& earlier, const FleetSnapshot& later);

// "stats: 980 connected, 15 connecting, 5 offline, 0 done | telemetry 975/s
// sent, 970/s acked, PUBACK p50 1.2 ms p99 8.4 ms | commands answered 12 |
// errors 3 (connect_timeout 3)"
std::string stats_line(const FleetSnapshot& now, const FleetRates& rates);
// {"type":"stats","elapsed_s":..,"devices":..,"connected":..,...} on one line;
// started_ms is the steady-clock time the run began.
std::string stats_json(const FleetSnapshot& now, const FleetRates& rates, std::uint64_t started_ms);

// Ramp-up: devices connected of all, at what rate, and when all will be.
struct RampProgress {
  std::uint64_t connected = 0;
  std::uint64_t devices = 0;
  double connects_per_s = 0;
  std::optional<double> eta_s;  // unknown while nothing connects
};
RampProgress ramp_progress(const FleetSnapshot& now, const FleetRates& rates);
// "ramp-up: connected 3200 of 10000 (812/s), ETA 8 s"
std::string progress_line(const RampProgress& progress);
std::string progress_json(const RampProgress& progress, std::uint64_t at_ms,
                          std::uint64_t started_ms);

// At exit: every counter by name (the keys the --json summary always had
// first), then the states, the run's average rates and its PUBACK p50/p99.
// with_type puts "type":"summary" first, for the --stats-json stream.
std::string summary_json(const FleetSnapshot& start, const FleetSnapshot& end,
                         bool with_type = false);

}  // namespace edgehub::sim

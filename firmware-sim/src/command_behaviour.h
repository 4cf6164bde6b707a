// How a simulated device answers commands (--command-latency-ms,
// --command-failure-rate): after a latency drawn uniformly from a range, and
// with a given share of them failing with status 500. Pure: the chance comes
// from a RandomSource.
#pragma once

#include <cstdint>

#include "option_values.h"
#include "random_source.h"

namespace edgehub::sim {

struct CommandBehaviour {
  MillisecondRange latency;   // {0, 0}: answered at once
  double failure_rate = 0.0;  // 0..1: the share answered 500 instead of executed
};

struct CommandDecision {
  std::uint64_t delay_ms = 0;
  bool fail = false;
  bool operator==(const CommandDecision&) const = default;
};

// Two draws: the latency, then the failure.
CommandDecision decide(const CommandBehaviour& behaviour, RandomSource& random);

}  // namespace edgehub::sim

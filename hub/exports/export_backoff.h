// How long an export waits before it tries a failing destination again:
// exponential from `initial`, capped at `cap`, with full jitter in the upper
// half (so that exports and hubs that failed together do not retry in step).
// Retries never stop: records are never given up on. Pure.
#pragma once

#include <chrono>
#include <cstdint>

namespace edgehub::hub {

struct ExportBackoff {
  std::chrono::milliseconds initial{200};
  std::chrono::milliseconds cap{30000};
};

// The wait after the `failures`-th failure in a row (1, 2, ...); random01 in
// [0, 1) picks the point in [half, full] of the exponential step.
std::chrono::milliseconds export_retry_delay(const ExportBackoff& backoff, std::uint64_t failures,
                                             double random01);

}  // namespace edgehub::hub

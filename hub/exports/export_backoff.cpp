#include "exports/export_backoff.h"

#include <algorithm>

namespace edgehub::hub {

std::chrono::milliseconds export_retry_delay(const ExportBackoff& backoff, std::uint64_t failures,
                                             double random01) {
  std::int64_t step = backoff.initial.count();
  for (std::uint64_t doubling = 1; doubling < failures && step < backoff.cap.count(); ++doubling) {
    step *= 2;
  }
  step = std::min(step, backoff.cap.count());
  const double jittered = static_cast<double>(step) * (0.5 + 0.5 * std::clamp(random01, 0.0, 1.0));
  return std::chrono::milliseconds(static_cast<std::int64_t>(jittered));
}

}  // namespace edgehub::hub

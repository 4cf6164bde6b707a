#include "exports/export_throughput.h"

namespace edgehub::hub {

void ExportThroughput::roll(std::int64_t now_ms) {
  if (window_start_ms_ < 0) {
    window_start_ms_ = now_ms;
    return;
  }
  const std::int64_t elapsed = now_ms - window_start_ms_;
  if (elapsed < window_ms_) return;
  // The window that just ended becomes the previous one; after a longer
  // silence both are empty.
  previous_ = elapsed < 2 * window_ms_ ? current_ : 0;
  has_previous_ = true;
  current_ = 0;
  window_start_ms_ = now_ms - elapsed % window_ms_;
}

void ExportThroughput::sent(std::uint64_t records, std::int64_t now_ms) {
  roll(now_ms);
  current_ += records;
}

double ExportThroughput::per_second(std::int64_t now_ms) const {
  ExportThroughput view = *this;
  view.roll(now_ms);
  if (view.window_start_ms_ < 0) return 0.0;
  const std::int64_t elapsed = now_ms - view.window_start_ms_;
  if (view.has_previous_) {
    // The last full window plus the running part of this one.
    return static_cast<double>(view.previous_ + view.current_) * 1000.0 /
           static_cast<double>(view.window_ms_ + elapsed);
  }
  return elapsed > 0 ? static_cast<double>(view.current_) * 1000.0 / static_cast<double>(elapsed)
                     : 0.0;
}

}  // namespace edgehub::hub

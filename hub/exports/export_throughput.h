// Records per second an export sent recently: the count over the last full
// window (10 s by default) and the running one, so that the figure neither
// jumps at every batch nor lingers long after sending stopped. Pure; the
// runner feeds it under its own lock.
#pragma once

#include <cstdint>

namespace edgehub::hub {

class ExportThroughput {
 public:
  explicit ExportThroughput(std::int64_t window_ms = 10000) : window_ms_(window_ms) {}

  void sent(std::uint64_t records, std::int64_t now_ms);
  // Records per second at now_ms; 0 when nothing was sent for two windows.
  double per_second(std::int64_t now_ms) const;

 private:
  void roll(std::int64_t now_ms);
  std::int64_t window_ms_;
  std::int64_t window_start_ms_ = -1;
  std::uint64_t current_ = 0;
  std::uint64_t previous_ = 0;
  bool has_previous_ = false;
};

}  // namespace edgehub::hub

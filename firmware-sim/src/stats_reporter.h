// The statistics thread's I/O: every interval it sums the workers' counters
// into a snapshot, and writes the ramp-up progress (until every device has
// been connected) and the stats line (fleet_stats.h) to stderr, or as JSON
// lines to --stats-json. Workers are never stopped or locked for it.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "fleet_counters.h"

namespace edgehub::sim {

class StatsReporter {
 public:
  // json_path: "" = text lines only, "-" = JSON lines on stderr instead of
  // text, else a file the JSON lines are appended to (text still on stderr).
  // Throws std::runtime_error when the file cannot be opened.
  StatsReporter(const std::vector<std::unique_ptr<FleetCounters>>& counters, std::uint64_t devices,
                std::uint32_t interval_ms, const std::string& json_path);
  ~StatsReporter();
  StatsReporter(const StatsReporter&) = delete;
  StatsReporter& operator=(const StatsReporter&) = delete;

  // Every counter now, summed over the workers.
  FleetSnapshot snapshot() const;
  // Reports every interval until finished is set (interval 0: just waits).
  void run(const std::atomic<bool>& finished);
  // The summary: a text line on stderr (when text lines are on) and a JSON
  // line in the stats stream; returns the summary JSON without "type".
  std::string finish();

 private:
  void report(const FleetSnapshot& now);
  void write_json(const std::string& line);

  const std::vector<std::unique_ptr<FleetCounters>>& counters_;
  std::uint64_t devices_;
  std::uint32_t interval_ms_;
  bool text_ = true;
  std::FILE* json_ = nullptr;
  bool owns_json_ = false;
  FleetSnapshot start_;
  FleetSnapshot previous_;
  bool ramp_done_ = false;
};

}  // namespace edgehub::sim

// hubd's metrics (GET /metrics, docs/operations.md "Metrics"): which
// edgehub_* families there are and where each value comes from. Values the
// hub counts already (the health endpoint's counters, presence, limit hits,
// commands.db, the twins) are read at scrape time from those sources, not
// counted a second time; only the two latency histograms are observed here,
// by the group commit and the command answers.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/rest_handlers.h"  // HealthReport
#include "commands/command_state.h"
#include "edgehub/common/result.h"
#include "metrics/metrics_registry.h"
#include "twins/twin_service.h"  // TwinUpdateCounts

namespace edgehub::hub {

struct HubMetricSources {
  std::function<HealthReport()> health;
  std::function<std::size_t()> connected_devices;
  std::function<std::map<std::string, std::uint64_t, std::less<>>()> limit_hits_by_limit;
  std::function<Result<std::map<CommandState, std::size_t>>()> commands_by_state;
  std::function<TwinUpdateCounts()> twin_updates;
  std::filesystem::path data_dir;     // its *.db files (with -wal, -shm): database sizes
  std::filesystem::path journal_dir;  // hubd's own journal: the files directly in it
  std::filesystem::path presence_journal_dir;  // the presence inbox's journal
  std::string version;
  std::chrono::system_clock::time_point started_at;
};

class HubMetrics {
 public:
  // Unset sources leave their families out.
  explicit HubMetrics(HubMetricSources sources);
  HubMetrics(const HubMetrics&) = delete;
  HubMetrics& operator=(const HubMetrics&) = delete;

  // One observation per group-commit transaction that stored its batch.
  Histogram& store_commit_seconds() { return store_commit_; }
  // One observation per command a device's answer decided (sent -> answer).
  Histogram& command_round_trip_seconds() { return command_round_trip_; }
  const MetricsRegistry& registry() const { return registry_; }

 private:
  std::vector<MetricFamily> collect() const;

  HubMetricSources sources_;
  MetricsRegistry registry_;
  Histogram& store_commit_;
  Histogram& command_round_trip_;
};

// The families read from the health endpoint's counters (by their key in
// HealthReport::counters), plus "hubd_journal_bytes" and
// "presence_journal_bytes" when given. A key
// without a row is not a metric (yet); a row without its key is left out.
std::vector<MetricFamily> health_counter_families(
    const std::map<std::string, std::uint64_t>& counters);
// edgehub_commands{state=...}: every state, 0 where there is none.
MetricFamily commands_by_state_family(const std::map<CommandState, std::size_t>& counts);
// edgehub_device_limit_hits_total{limit=...}: every known limit, 0 where
// none was hit (so rate() has a series from the start); by limit, never by
// device (a fleet must not make a series per device).
MetricFamily limit_hits_family(const std::map<std::string, std::uint64_t, std::less<>>& by_limit);
// <name>.db (with its -wal and -shm) -> bytes, for the *.db files in dir.
std::map<std::string, std::uint64_t> database_sizes(const std::filesystem::path& dir);
// Bytes of the regular files directly in dir (0 if it does not exist).
std::uint64_t bytes_of_files_in(const std::filesystem::path& dir);

}  // namespace edgehub::hub

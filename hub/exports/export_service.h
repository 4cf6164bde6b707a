// Every export of the hub: their definitions and positions (durable, in the
// stream store as cursors), their runners, and what an operator sees of them
// (hubctl exports, /api/v1/exports, the health counters).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clock/clock.h"
#include "edgehub/common/result.h"
#include "exports/export_definition.h"
#include "exports/export_runner.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

// One export as shown: its definition, committed position and lag, and what
// its runner reports.
struct ExportView {
  ExportDefinition definition;
  std::uint64_t position = 0;
  std::uint64_t skipped = 0;      // records retention deleted before they were sent, in all
  std::uint64_t lag_records = 0;  // stream next_offset - position
  // received_at_ms of the oldest record not exported yet, age at now; none
  // when the export is caught up.
  std::optional<std::int64_t> oldest_unexported_age_ms;
  ExportRunnerStatus runner;
};

nlohmann::json export_view_json(const ExportView& view);

struct ExportServiceSettings {
  std::string site_id;
  ExportDestinationFactory factory;
  ExportRunnerSettings runner;
};

class ExportService {
 public:
  // store and clock outlive the service.
  ExportService(StreamStore& store, const Clock& clock, ExportServiceSettings settings);
  ExportService(const ExportService&) = delete;
  ExportService& operator=(const ExportService&) = delete;
  ~ExportService();  // stop()

  // Starts a runner for every stored export; one whose stored definition no
  // longer parses is logged and left without a runner (internal on show).
  Status start();
  void stop();

  // The request of POST /api/v1/exports (export_definition.h, plus "start").
  // invalid_argument (definition, destination options, unknown destination
  // type), conflict (name), not_found (stream).
  Result<ExportView> add(const nlohmann::json& request);
  Result<std::vector<ExportView>> list() const;
  Result<ExportView> show(std::string_view name) const;
  Result<ExportView> set_paused(std::string_view name, bool paused);
  // Stops its runner and ends its hold on the stream's retention.
  Status remove(std::string_view name);

  // For the health report: totals ("exports", "exports_records_sent", ...)
  // and per export ("export.<name>.lag_records", ...).
  std::map<std::string, std::uint64_t> counters() const;

 private:
  Result<ExportView> view_of(const StreamCursor& cursor) const;
  void start_runner(const ExportDefinition& definition, const StreamCursor& cursor);

  StreamStore& store_;
  const Clock& clock_;
  ExportServiceSettings settings_;
  // Serializes add / pause / remove; the runners have their own locks.
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<ExportRunner>, std::less<>> runners_;
};

}  // namespace edgehub::hub

// Runs one export: reads its stream from the committed position in batches,
// hands them to the destination, and commits the position past what the
// destination acknowledged, never further (hub/exports/README.md). While the
// destination fails it retries without limit, with backoff and jitter. One
// thread per export (README: why).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "clock/clock.h"
#include "edgehub/common/result.h"
#include "exports/export_backoff.h"
#include "exports/export_definition.h"
#include "exports/export_destination.h"
#include "exports/export_throughput.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

// Builds the destination of a definition (destination_factory.h); called on
// the runner's thread, again after a failure to build it.
using ExportDestinationFactory = std::function<Result<std::unique_ptr<ExportDestination>>(
    const ExportDefinition& definition, const std::string& site_id)>;

struct ExportRunnerSettings {
  ExportBackoff backoff;
  // How long one wait for new records lasts: bounds how late a stop or a
  // pause is noticed while the stream is idle.
  std::chrono::milliseconds wait_slice{250};
};

// What the runner knows that the store does not (since hubd started).
struct ExportRunnerStatus {
  std::string state;        // "running", "paused", "retrying"
  std::string destination;  // ExportDestination::describe(), once built
  std::uint64_t position = 0;
  std::uint64_t sent = 0;      // records acknowledged
  std::uint64_t batches = 0;   // batches acknowledged whole
  std::uint64_t failures = 0;  // failed attempts (send, commit, read, building the destination)
  std::uint64_t failures_in_a_row = 0;
  std::string last_error;
  std::int64_t last_error_at_ms = 0;
  std::int64_t last_sent_at_ms = 0;
  std::uint64_t skipped = 0;  // records retention deleted before they were sent (persisted)
  std::optional<std::pair<std::uint64_t, std::uint64_t>> last_skipped_range;  // [from, to)
  double records_per_second = 0;
};

class ExportRunner {
 public:
  // store and clock outlive the runner. cursor: the export's committed state.
  ExportRunner(StreamStore& store, const Clock& clock, ExportDefinition definition,
               const StreamCursor& cursor, std::string site_id, ExportDestinationFactory factory,
               ExportRunnerSettings settings);
  ExportRunner(const ExportRunner&) = delete;
  ExportRunner& operator=(const ExportRunner&) = delete;
  ~ExportRunner();  // stop()

  void start();
  // Returns once the thread ended: a send in progress finishes (bounded by
  // the destination's own timeouts). Idempotent.
  void stop();
  // Takes effect between batches.
  void set_paused(bool paused);
  ExportRunnerStatus status() const;

 private:
  void loop();
  // The next batch from the committed position, after any gap retention
  // left was skipped and counted; empty when there is nothing to send yet.
  std::vector<StreamRecord> next_batch();
  bool skip_to(std::uint64_t offset);
  void send(ExportDestination& destination, const std::vector<StreamRecord>& batch);
  void fail(const std::string& error);
  // Waits up to timeout; false when stopping or paused meanwhile.
  bool sleep_for(std::chrono::milliseconds timeout);
  bool should_wait() const;

  StreamStore& store_;
  const Clock& clock_;
  const ExportDefinition definition_;
  const std::string site_id_;
  ExportDestinationFactory factory_;
  ExportRunnerSettings settings_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  bool paused_ = false;
  ExportRunnerStatus status_;
  ExportThroughput throughput_;
  std::mt19937_64 random_{std::random_device{}()};
  std::thread thread_;
};

}  // namespace edgehub::hub

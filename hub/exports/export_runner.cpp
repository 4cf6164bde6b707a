#include "exports/export_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace edgehub::hub {
namespace {

ExportRecord export_record(const StreamRecord& record, const std::string& site_id) {
  return ExportRecord{site_id,    record.stream, record.offset,         record.device_id,
                      record.seq, record.topic,  record.received_at_ms, record.payload};
}

}  // namespace

ExportRunner::ExportRunner(StreamStore& store, const Clock& clock, ExportDefinition definition,
                           const StreamCursor& cursor, std::string site_id,
                           ExportDestinationFactory factory, ExportRunnerSettings settings)
    : store_(store),
      clock_(clock),
      definition_(std::move(definition)),
      site_id_(std::move(site_id)),
      factory_(std::move(factory)),
      settings_(settings),
      paused_(definition_.paused) {
  status_.state = paused_ ? "paused" : "running";
  status_.position = cursor.position;
  status_.skipped = cursor.skipped;
}

ExportRunner::~ExportRunner() { stop(); }

void ExportRunner::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { loop(); });
}

void ExportRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ExportRunner::set_paused(bool paused) {
  {
    std::lock_guard lock(mutex_);
    paused_ = paused;
    if (paused) {
      status_.state = "paused";
    } else if (status_.state == "paused") {
      status_.state = "running";
    }
  }
  changed_.notify_all();
}

ExportRunnerStatus ExportRunner::status() const {
  std::lock_guard lock(mutex_);
  ExportRunnerStatus status = status_;
  status.records_per_second = throughput_.per_second(clock_.now_ms());
  return status;
}

bool ExportRunner::should_wait() const { return stopping_ || paused_; }

bool ExportRunner::sleep_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [this] { return should_wait(); });
  return !should_wait();
}

void ExportRunner::loop() {
  std::unique_ptr<ExportDestination> destination;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stopping_ || !paused_; });
      if (stopping_) break;
    }
    if (!destination) {
      auto made = factory_(definition_, site_id_);
      if (!made) {
        fail("cannot set up the destination: " + made.error().message);
        continue;
      }
      destination = std::move(made).value();
      std::lock_guard lock(mutex_);
      status_.destination = destination->describe();
    }
    const std::vector<StreamRecord> batch = next_batch();
    if (!batch.empty()) send(*destination, batch);
  }
}

std::vector<StreamRecord> ExportRunner::next_batch() {
  std::uint64_t position = 0;
  {
    std::lock_guard lock(mutex_);
    position = status_.position;
  }
  auto records = store_.read(definition_.stream, position, definition_.batch_size);
  if (!records) {
    fail("cannot read stream '" + definition_.stream + "': " + records.error().message);
    return {};
  }
  if (records->empty()) {
    // Everything from the position on may be gone (delete_oldest exports).
    auto info = store_.stream_info(definition_.stream);
    if (info && info->first_offset > position) {
      skip_to(info->first_offset);
      return {};
    }
    store_.wait_for_records(definition_.stream, position, settings_.wait_slice);
    return {};
  }
  if (records->front().offset > position) {
    skip_to(records->front().offset);
    return {};
  }
  // A short batch waits up to linger_ms for the rest (fewer, larger sends).
  if (records->size() < definition_.batch_size && definition_.linger_ms > 0) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(definition_.linger_ms);
    const std::uint64_t last_wanted = position + definition_.batch_size - 1;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mutex_);
        if (should_wait()) return {};
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (store_.wait_for_records(
              definition_.stream, last_wanted,
              std::clamp(left, std::chrono::milliseconds(1), settings_.wait_slice))) {
        break;
      }
    }
    records = store_.read(definition_.stream, position, definition_.batch_size);
    if (!records || records->empty() || records->front().offset != position) return {};
  }
  return std::move(records).value();
}

bool ExportRunner::skip_to(std::uint64_t offset) {
  std::uint64_t position = 0;
  {
    std::lock_guard lock(mutex_);
    position = status_.position;
  }
  const std::uint64_t skipped = offset - position;
  auto committed = store_.advance_cursor(definition_.name, offset, skipped, clock_.now_ms());
  if (!committed) {
    fail("cannot record the records retention deleted: " + committed.error().message);
    return false;
  }
  spdlog::warn(
      "export {}: records {}..{} of stream '{}' were deleted by retention before they were sent "
      "(on_retention delete_oldest); {} skipped in all",
      definition_.name, position, offset - 1, definition_.stream, committed->skipped);
  std::lock_guard lock(mutex_);
  status_.position = offset;
  status_.skipped = committed->skipped;
  status_.last_skipped_range = std::make_pair(position, offset);
  return true;
}

void ExportRunner::send(ExportDestination& destination, const std::vector<StreamRecord>& batch) {
  std::vector<ExportRecord> records;
  records.reserve(batch.size());
  for (const StreamRecord& record : batch) records.push_back(export_record(record, site_id_));
  const ExportDestination::Sent sent = destination.send(records);
  const std::size_t acknowledged = std::min(sent.acknowledged, records.size());
  if (acknowledged > 0) {
    // The position moves only past what the destination acknowledged.
    const std::uint64_t next = batch.front().offset + acknowledged;
    auto committed = store_.advance_cursor(definition_.name, next, 0, clock_.now_ms());
    if (!committed) {
      // Sent but not committed: sent again later (a duplicate the
      // destination's identity handling drops).
      fail("cannot commit the export position: " + committed.error().message);
      return;
    }
    std::lock_guard lock(mutex_);
    status_.position = next;
    status_.sent += acknowledged;
    // Progress: a partial acknowledgement retries soon, not after a
    // backoff that grew while the destination was down.
    status_.failures_in_a_row = 0;
    status_.last_sent_at_ms = clock_.now_ms();
    throughput_.sent(acknowledged, status_.last_sent_at_ms);
  }
  if (!sent.error.empty() || acknowledged < records.size()) {
    fail(sent.error.empty() ? "the destination acknowledged " + std::to_string(acknowledged) +
                                  " of " + std::to_string(records.size()) + " records"
                            : sent.error);
    return;
  }
  std::lock_guard lock(mutex_);
  ++status_.batches;
  status_.failures_in_a_row = 0;
  if (!paused_) status_.state = "running";
}

void ExportRunner::fail(const std::string& error) {
  std::chrono::milliseconds delay{0};
  {
    std::lock_guard lock(mutex_);
    ++status_.failures;
    ++status_.failures_in_a_row;
    status_.last_error = error;
    status_.last_error_at_ms = clock_.now_ms();
    if (!paused_) status_.state = "retrying";
    const double random01 = std::uniform_real_distribution<double>(0.0, 1.0)(random_);
    delay = export_retry_delay(settings_.backoff, status_.failures_in_a_row, random01);
    // The first failure and then every tenth: a destination down for hours
    // does not flood the log.
    if (status_.failures_in_a_row == 1 || status_.failures_in_a_row % 10 == 0) {
      spdlog::warn("export {}: {} (attempt {}, retrying in {} ms)", definition_.name, error,
                   status_.failures_in_a_row, delay.count());
    }
  }
  sleep_for(delay);
}

}  // namespace edgehub::hub

// Sends records through an export destination the way the export runner
// does (hub/exports/): batches in order, and after a short answer the next
// batch starts at the first record the destination did not acknowledge,
// after a backoff. Lets the engine tests and the benchmark drive a
// destination without the runner.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "exports/export_destination.h"

namespace edgehub::test {

struct ExportSendLoopResult {
  std::size_t acknowledged = 0;  // records acknowledged, counted from the first
  std::size_t sends = 0;
  std::size_t short_sends = 0;      // answers that acknowledged less than the batch
  std::vector<std::string> errors;  // the first few error messages
  std::chrono::milliseconds elapsed{0};
};

struct ExportSendLoopOptions {
  std::size_t batch = 1000;
  std::chrono::milliseconds backoff{200};
  std::chrono::milliseconds give_up_after{std::chrono::minutes(5)};
  // Called after every send with the count acknowledged so far (to kill a
  // node mid-way, say).
  std::function<void(std::size_t acknowledged)> on_progress;
};

// `count` records of one stream as a hub would export them: offsets 0..,
// devices "device-0".. in turn, each with its own seq from 1, JSON payloads
// padded to `payload_bytes`.
inline std::vector<hub::ExportRecord> sample_export_records(
    std::size_t count, std::size_t devices, std::size_t payload_bytes,
    const std::string& site = "site-a", const std::string& stream = "telemetry") {
  std::vector<hub::ExportRecord> records(count);
  for (std::size_t i = 0; i < count; ++i) {
    hub::ExportRecord& record = records[i];
    record.site_id = site;
    record.stream = stream;
    record.offset = i;
    record.device_id = "device-" + std::to_string(i % devices);
    record.seq = i / devices + 1;
    record.topic = "devices/" + record.device_id + "/telemetry";
    record.received_at_ms = 1764979200000 + static_cast<std::int64_t>(i);
    record.payload = "{\"seq\":" + std::to_string(*record.seq) + ",\"data\":\"";
    const std::size_t closing = 2;
    if (record.payload.size() + closing < payload_bytes) {
      record.payload.append(payload_bytes - record.payload.size() - closing, 'x');
    }
    record.payload += "\"}";
  }
  return records;
}

inline ExportSendLoopResult send_like_the_runner(hub::ExportDestination& destination,
                                                 std::span<const hub::ExportRecord> records,
                                                 const ExportSendLoopOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  ExportSendLoopResult result;
  while (result.acknowledged < records.size() && Clock::now() - start < options.give_up_after) {
    const std::size_t count = std::min(options.batch, records.size() - result.acknowledged);
    const hub::ExportDestination::Sent sent =
        destination.send(records.subspan(result.acknowledged, count));
    ++result.sends;
    result.acknowledged += std::min(sent.acknowledged, count);
    if (sent.acknowledged < count) {
      ++result.short_sends;
      if (result.errors.size() < 10) result.errors.push_back(sent.error);
    }
    if (options.on_progress) options.on_progress(result.acknowledged);
    if (sent.acknowledged < count) std::this_thread::sleep_for(options.backoff);
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return result;
}

}  // namespace edgehub::test

// An in-memory ExportDestination whose answers a test scripts: down (every
// send fails), acknowledging at most N records per send, failing the next K
// sends. What it acknowledged is kept in order, shared with the test
// (the runner owns the destination itself).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "exports/export_destination.h"
#include "exports/export_runner.h"

namespace edgehub::test {

struct DestinationScript {
  std::mutex mutex;
  std::condition_variable changed;
  bool down = false;
  std::size_t fail_next = 0;                    // sends to fail before answering again
  std::size_t max_per_send = SIZE_MAX;          // acknowledge at most this many per send
  std::vector<hub::ExportRecord> acknowledged;  // in the order acknowledged
  std::uint64_t sends = 0;
  std::uint64_t failed_sends = 0;

  std::size_t count() {
    std::lock_guard lock(mutex);
    return acknowledged.size();
  }
  // Waits until at least n records were acknowledged; false after 10 s.
  bool wait_for(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return acknowledged.size() >= n; });
  }
  bool wait_for_failed_sends(std::uint64_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), [&] { return failed_sends >= n; });
  }
};

class ScriptedDestination final : public hub::ExportDestination {
 public:
  explicit ScriptedDestination(std::shared_ptr<DestinationScript> script)
      : script_(std::move(script)) {}

  Sent send(std::span<const hub::ExportRecord> records) override {
    std::lock_guard lock(script_->mutex);
    ++script_->sends;
    if (script_->down || script_->fail_next > 0) {
      if (script_->fail_next > 0) --script_->fail_next;
      ++script_->failed_sends;
      script_->changed.notify_all();
      return {0, "scripted: destination down"};
    }
    const std::size_t count = std::min(records.size(), script_->max_per_send);
    for (std::size_t i = 0; i < count; ++i) script_->acknowledged.push_back(records[i]);
    script_->changed.notify_all();
    if (count < records.size()) return {count, "scripted: acknowledged part of the batch"};
    return {count, ""};
  }

  std::string describe() const override { return "scripted"; }

 private:
  std::shared_ptr<DestinationScript> script_;
};

inline hub::ExportDestinationFactory scripted_factory(std::shared_ptr<DestinationScript> script) {
  return [script](const hub::ExportDefinition& definition,
                  const std::string&) -> edgehub::Result<std::unique_ptr<hub::ExportDestination>> {
    if (definition.destination_type != "scripted") {
      return edgehub::make_error(edgehub::ErrorCode::invalid_argument,
                                 "unknown destination type '" + definition.destination_type + "'");
    }
    return std::unique_ptr<hub::ExportDestination>(std::make_unique<ScriptedDestination>(script));
  };
}

}  // namespace edgehub::test

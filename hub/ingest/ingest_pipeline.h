// hubd's telemetry path from a durable journal to the streams, in one place
// (hub_service.cpp only creates it):
//
//   broker journal  <data-dir>/journal/broker  written by the broker plugin
//                   before the device's PUBACK (device telemetry)
//       -> BrokerJournalFollower -> GroupCommit -> TelemetryIngestor
//   hubd's journal  <data-dir>/journal          written by hubd (telemetry
//                   over MQTT with --telemetry-path mqtt, anything unexpected
//                   on the MQTT path, dead letters decided on the receive thread)
//       -> FileJournal -> GroupCommit -> TelemetryIngestor
//
// Each journal's position is recorded in the streams in the same transaction
// as its entries (sources "broker-journal" and "ingest-journal"), so that a
// restart stores exactly what is missing; each has its own poison guard
// (journal/commit_attempt.h: broker-commit-attempt, commit-attempt).
//
// Error policy: construction throws std::runtime_error (start-up: hubd
// reports it and exits 1). A store that stays broken (a full disk) is waited
// out, for both journals, until it works again or stop(): the entries are in
// the journal meanwhile; the plugin keeps writing until its budget or the
// disk is used up, then refuses without PUBACK, and submit() fails on a full
// disk (the broker keeps the message). hubd stays up serving reads and
// commands; stats().store_error says what fails.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"
#include "journal/group_commit.h"

namespace edgehub::hub {

class BrokerJournalFollower;
class FileCommitAttempts;
class FileJournal;
class StreamStore;
class TelemetryIngestor;

struct IngestPipelineSettings {
  std::filesystem::path journal_dir;  // hubd's own journal
  // The broker plugin's journal; nullopt: device telemetry arrives over MQTT.
  std::optional<std::filesystem::path> broker_journal_dir;
  GroupCommitSettings commit;
};

struct IngestPipelineStats {
  std::size_t backlog = 0;        // entries read from a journal, not yet stored
  std::size_t backlog_bytes = 0;  // their topic + payload bytes
  std::uint64_t set_aside = 0;    // entries a poison guard set aside
  std::string store_error;        // a store outage being waited out; empty: none
  // The broker journal (all 0 without one).
  std::size_t broker_journal_segments = 0;
  std::uint64_t broker_journal_bytes = 0;
  std::uint64_t broker_journal_torn_tails = 0;
  std::uint64_t broker_journal_corrupt_regions = 0;
};

class IngestPipeline {
 public:
  // Opens the journals and stores what they hold from before this start.
  // ingestor and streams must outlive the pipeline.
  IngestPipeline(TelemetryIngestor& ingestor, StreamStore& streams,
                 IngestPipelineSettings settings);
  ~IngestPipeline();
  IngestPipeline(const IngestPipeline&) = delete;
  IngestPipeline& operator=(const IngestPipeline&) = delete;

  // Starts committing, and following the broker journal.
  void start();
  // Stores what was read, then stops. Idempotent.
  void stop();

  // hubd's own journal: ok once the message is durable (may be acknowledged).
  Status submit(std::int64_t received_at_ms, std::string_view topic, std::string_view payload);
  // The group commit of hubd's own journal (JournaledDeadLetters writes there).
  GroupCommit& own_journal_commit() { return *own_commit_; }

  IngestPipelineStats stats() const;

 private:
  void open_own_journal();
  void open_broker_journal(const std::filesystem::path& dir);

  TelemetryIngestor& ingestor_;
  StreamStore& streams_;
  IngestPipelineSettings settings_;
  std::unique_ptr<FileJournal> own_journal_;
  std::unique_ptr<FileCommitAttempts> own_attempts_;
  std::unique_ptr<GroupCommit> own_commit_;
  std::unique_ptr<BrokerJournalFollower> broker_journal_;
  std::unique_ptr<FileCommitAttempts> broker_attempts_;
  std::unique_ptr<GroupCommit> broker_commit_;
  bool stopped_ = false;
};

}  // namespace edgehub::hub

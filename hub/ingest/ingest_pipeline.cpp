#include "ingest/ingest_pipeline.h"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>

#include "ingest/telemetry_ingestor.h"
#include "journal/broker_journal_follower.h"
#include "journal/file_commit_attempts.h"
#include "journal/file_journal.h"
#include "streams/stream_store.h"

namespace edgehub::hub {
namespace {

// The streams record how far they hold each journal under these names.
constexpr std::string_view kOwnJournalSource = "ingest-journal";
constexpr std::string_view kBrokerJournalSource = "broker-journal";

std::uint64_t applied_position(const StreamStore& streams, std::string_view source) {
  auto applied = streams.source_position(source);
  if (!applied) throw std::runtime_error("streams: " + applied.error().message);
  return applied->value_or(0);
}

std::unique_ptr<FileCommitAttempts> open_attempts(const std::filesystem::path& file) {
  auto attempts = FileCommitAttempts::open(file);
  if (!attempts) throw std::runtime_error(attempts.error().message);
  return std::move(*attempts);
}

JournalSink sink_into(TelemetryIngestor& ingestor, std::string_view source) {
  return [&ingestor, source](std::span<const JournalEntry> entries) {
    return ingestor.ingest_batch(entries,
                                 SourcePosition{std::string(source), entries.back().sequence});
  };
}

SetAsideSink set_aside_into(TelemetryIngestor& ingestor, std::string_view source) {
  return [&ingestor, source](const JournalEntry& entry, std::string_view reason) {
    spdlog::error("{}: message {} on {} ({} bytes) set aside as a dead letter: {}", source,
                  entry.sequence, entry.topic, entry.payload.size(), reason);
    return ingestor.set_aside(entry, reason, SourcePosition{std::string(source), entry.sequence});
  };
}

// A store outage (a full disk) must not end hubd: the entries wait in their
// journal; the broker journal's budget makes the broker refuse once it is
// full, and a full disk makes submit() fail (the message stays unacknowledged).
GroupCommitSettings waiting_out_outages(GroupCommitSettings settings) {
  settings.retry_forever = true;
  return settings;
}

// Only stop() ends a store outage's retries: the entries are stored at the next start.
SinkBrokenHandler log_stopped_while_failing(std::string_view source) {
  return [source](const Error& error) {
    spdlog::warn(
        "{}: stopped while the store fails ({}); the journaled messages are stored at "
        "the next start",
        source, error.message);
  };
}

void recover(GroupCommit& commit, std::uint64_t applied, std::string_view source) {
  auto recovered = commit.recover(applied);
  if (!recovered) {
    throw std::runtime_error(std::string(source) +
                             ": cannot store the journaled messages: " + recovered.error().message);
  }
  if (*recovered > 0) {
    spdlog::info("{}: stored {} messages received before this start", source, *recovered);
  }
}

}  // namespace

IngestPipeline::IngestPipeline(TelemetryIngestor& ingestor, StreamStore& streams,
                               IngestPipelineSettings settings)
    : ingestor_(ingestor), streams_(streams), settings_(std::move(settings)) {
  open_own_journal();
  if (settings_.broker_journal_dir) open_broker_journal(*settings_.broker_journal_dir);
}

IngestPipeline::~IngestPipeline() { stop(); }

// Messages acknowledged to the broker before a crash but not yet in the
// streams are in the journal: stored before anything new arrives.
void IngestPipeline::open_own_journal() {
  const std::uint64_t applied = applied_position(streams_, kOwnJournalSource);
  auto opened = FileJournal::open(settings_.journal_dir, FileJournalSettings{}, applied + 1);
  if (!opened) throw std::runtime_error(opened.error().message);
  own_journal_ = std::move(*opened);
  for (const std::string& note : own_journal_->notes()) spdlog::warn("journal: {}", note);
  own_attempts_ = open_attempts(settings_.journal_dir / "commit-attempt");
  own_commit_ = std::make_unique<GroupCommit>(
      *own_journal_, sink_into(ingestor_, kOwnJournalSource), waiting_out_outages(settings_.commit),
      log_stopped_while_failing(kOwnJournalSource),
      PoisonGuard{own_attempts_.get(), set_aside_into(ingestor_, kOwnJournalSource)});
  recover(*own_commit_, applied, kOwnJournalSource);
}

void IngestPipeline::open_broker_journal(const std::filesystem::path& dir) {
  const std::uint64_t applied = applied_position(streams_, kBrokerJournalSource);
  BrokerJournalEvents events;
  events.on_note = [](const std::string& note) { spdlog::warn("broker journal: {}", note); };
  events.on_corrupt = [this](const CorruptRegion& region) {
    // What cannot be read is said where operators look for lost messages.
    const std::string reason = region.describe();
    spdlog::error("{}", reason);
    NewRecord letter = make_dead_letter("", "", "", reason, 0);
    if (auto stored = streams_.append(letter); !stored) {
      spdlog::error("broker journal: cannot store the dead letter: {}", stored.error().message);
    }
  };
  auto opened = BrokerJournalFollower::open(dir, applied, BrokerJournalSettings{}, events);
  if (!opened) throw std::runtime_error("broker journal: " + opened.error().message);
  broker_journal_ = std::move(*opened);
  broker_attempts_ = open_attempts(settings_.journal_dir / "broker-commit-attempt");
  broker_commit_ = std::make_unique<GroupCommit>(
      *broker_journal_, sink_into(ingestor_, kBrokerJournalSource),
      waiting_out_outages(settings_.commit), log_stopped_while_failing(kBrokerJournalSource),
      PoisonGuard{broker_attempts_.get(), set_aside_into(ingestor_, kBrokerJournalSource)});
  recover(*broker_commit_, applied, kBrokerJournalSource);
}

void IngestPipeline::start() {
  own_commit_->start();
  if (broker_commit_) {
    broker_commit_->start();
    broker_journal_->start(
        [this](JournalEntry entry) { return broker_commit_->enqueue(std::move(entry)); });
  }
}

void IngestPipeline::stop() {
  if (stopped_) return;
  stopped_ = true;
  // The group commit first: a follower waiting in enqueue() for room (the
  // store is down) is refused at once, so that its stop() returns.
  if (broker_commit_) broker_commit_->stop();
  if (broker_journal_) broker_journal_->stop();
  if (own_commit_) own_commit_->stop();
}

Status IngestPipeline::submit(std::int64_t received_at_ms, std::string_view topic,
                              std::string_view payload) {
  return own_commit_->submit(received_at_ms, topic, payload);
}

IngestPipelineStats IngestPipeline::stats() const {
  IngestPipelineStats stats;
  stats.backlog = own_commit_->backlog();
  stats.backlog_bytes = own_commit_->backlog_bytes();
  stats.set_aside = own_commit_->set_aside_count();
  stats.store_error = own_commit_->store_error();
  if (broker_commit_) {
    stats.backlog += broker_commit_->backlog();
    stats.backlog_bytes += broker_commit_->backlog_bytes();
    stats.set_aside += broker_commit_->set_aside_count();
    if (stats.store_error.empty()) stats.store_error = broker_commit_->store_error();
    const BrokerJournalStats journal = broker_journal_->stats();
    stats.broker_journal_segments = journal.segments;
    stats.broker_journal_bytes = journal.bytes;
    stats.broker_journal_torn_tails = journal.torn_tails;
    stats.broker_journal_corrupt_regions = journal.corrupt_regions;
  }
  return stats;
}

}  // namespace edgehub::hub

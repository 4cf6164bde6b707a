// The broker plugin's side of the broker journal: every device telemetry
// publish is written here, in MOSQ_EVT_MESSAGE, before the broker sends the
// PUBACK; hubd reads the directory (broker_journal_follower.h) and commits the
// entries to the streams. Format and naming: journal_codec.h,
// segment_files.h (hub/journal/README.md, "Broker journal").
//
// - Numbers: each writer run starts a new segment at max(the highest sequence
//   on disk + 1, the wall clock in microseconds), then counts up by one: a
//   number is never reused, even if the directory was emptied.
// - Durability: append() returns once write() did: the entry survives the
//   death of any process (page cache). sync() fdatasyncs what was written
//   since the last call (the plugin calls it every few milliseconds from a
//   thread of its own): what a power cut can lose is bounded by that period.
// - Budget: the directory may hold max_bytes of segments; over it, append()
//   refuses (ErrorCode::unavailable) until hubd has deleted applied segments
//   (refresh_usage() re-reads the directory's size).
//
// Thread-safety: append(), refresh_usage() and the accessors from one thread
// (the broker's); sync() from any other thread at the same time.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"
#include "journal/segment_appender.h"

namespace edgehub::hub {

struct BrokerJournalWriterSettings {
  std::size_t segment_bytes = 16u * 1024u * 1024u;
  std::uint64_t max_bytes = 1024ull * 1024u * 1024u;  // all segments together
};

class BrokerJournalWriter {
 public:
  // Creates dir (0700) if needed, finds the highest sequence on disk, and
  // starts a new segment. now_us: the wall clock in microseconds.
  static Result<std::unique_ptr<BrokerJournalWriter>> open(const std::filesystem::path& dir,
                                                           BrokerJournalWriterSettings settings,
                                                           std::uint64_t now_us);
  ~BrokerJournalWriter();
  BrokerJournalWriter(const BrokerJournalWriter&) = delete;
  BrokerJournalWriter& operator=(const BrokerJournalWriter&) = delete;

  // ok: written (survives a process crash). unavailable: over the budget or
  // the disk is full; internal: another I/O error. Nothing written then.
  Status append(std::int64_t received_at_ms, std::string_view topic, std::string_view payload);
  // fdatasync of every segment written to since the last call.
  Status sync();
  // Re-reads the size of the segments on disk (hubd deletes applied ones).
  Status refresh_usage();

  std::uint64_t bytes_on_disk() const { return usage_bytes_; }
  std::uint64_t next_sequence() const { return next_sequence_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  BrokerJournalWriter(std::filesystem::path dir, BrokerJournalWriterSettings settings);

  std::filesystem::path dir_;
  BrokerJournalWriterSettings settings_;
  std::mutex sync_mutex_;     // guards to_sync_ and the descriptor handed to sync()
  std::vector<int> to_sync_;  // full segments not yet synced (owned)
  bool written_since_sync_ = false;
  SegmentAppender appender_;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t usage_bytes_ = 0;
};

// The highest sequence of a complete entry in the segments of dir (0: none).
Result<std::uint64_t> highest_journal_sequence(const std::filesystem::path& dir);

}  // namespace edgehub::hub

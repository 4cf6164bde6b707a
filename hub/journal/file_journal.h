// MessageJournal in segment files: <dir>/<first sequence, 20 digits>.journal,
// entries appended with one write() each (journal_codec.h), a new segment
// once the current one holds segment_bytes; a segment is deleted once every
// entry in it is released. No fsync: a write() that returned survives a
// crash of the process (page cache), like streams.db in WAL mode with
// synchronous=NORMAL.
//
// Opening reads every segment: the entries become take_recovered(); a torn
// frame at the end of a segment (the process died inside write()) is cut off;
// a segment with a damaged frame in the middle is kept aside as
// <name>.corrupt (nothing deleted). Both are reported by notes().
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "journal/message_journal.h"
#include "journal/segment_appender.h"

namespace edgehub::hub {

struct FileJournalSettings {
  std::size_t segment_bytes = 16u * 1024u * 1024u;
};

class FileJournal final : public MessageJournal {
 public:
  // Creates dir if needed. Numbers continue after the highest sequence found
  // and after min_next_sequence - 1 (the streams' recorded position, so that
  // a number is never reused even when every segment was deleted).
  static Result<std::unique_ptr<FileJournal>> open(const std::filesystem::path& dir,
                                                   FileJournalSettings settings,
                                                   std::uint64_t min_next_sequence);
  ~FileJournal() override;
  FileJournal(const FileJournal&) = delete;
  FileJournal& operator=(const FileJournal&) = delete;

  Status append(JournalEntry& entry) override;
  void release(std::uint64_t up_to) override;
  std::vector<JournalEntry> take_recovered(std::uint64_t after) override;

  // What opening found worth telling an operator (torn tails, corrupt segments).
  const std::vector<std::string>& notes() const { return notes_; }
  // Segment files on disk now (for health and tests).
  std::size_t segment_count() const;

 private:
  FileJournal(std::filesystem::path dir, FileJournalSettings settings);
  Status load_segments();
  void load_segment(std::uint64_t first_sequence, const std::filesystem::path& file);

  std::filesystem::path dir_;
  FileJournalSettings settings_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::filesystem::path> segments_;  // first sequence -> file
  SegmentAppender appender_;
  std::uint64_t next_sequence_ = 1;
  std::vector<JournalEntry> recovered_;
  std::vector<std::string> notes_;
};

}  // namespace edgehub::hub

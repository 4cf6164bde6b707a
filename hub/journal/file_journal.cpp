#include "journal/file_journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>

#include "journal/journal_codec.h"
#include "journal/segment_files.h"

namespace edgehub::hub {

FileJournal::FileJournal(std::filesystem::path dir, FileJournalSettings settings)
    : dir_(std::move(dir)),
      settings_(settings),
      appender_(dir_, settings.segment_bytes,
                [this](std::uint64_t first, const std::filesystem::path& file) {
                  segments_[first] = file;
                }) {}

FileJournal::~FileJournal() = default;

Result<std::unique_ptr<FileJournal>> FileJournal::open(const std::filesystem::path& dir,
                                                       FileJournalSettings settings,
                                                       std::uint64_t min_next_sequence) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return make_error(ErrorCode::internal,
                      "journal: cannot create '" + dir.string() + "': " + error.message());
  }
  std::unique_ptr<FileJournal> journal(new FileJournal(dir, settings));
  if (Status loaded = journal->load_segments(); !loaded) return loaded.error();
  journal->next_sequence_ = std::max(journal->next_sequence_, min_next_sequence);
  if (Status started = journal->appender_.start_segment(journal->next_sequence_); !started) {
    return started.error();
  }
  return journal;
}

Status FileJournal::load_segments() {
  auto listed = list_segments(dir_);
  if (!listed) return listed.error();
  segments_ = *listed;
  for (const auto& [first, file] : *listed) {
    next_sequence_ = std::max(next_sequence_, first);
    load_segment(first, file);
  }
  return ok_status();
}

void FileJournal::load_segment(std::uint64_t first_sequence, const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::size_t at = 0;
  while (at < bytes.size()) {
    JournalEntry entry;
    const DecodedFrame frame = decode_journal_entry(std::string_view(bytes).substr(at), entry);
    if (frame.status == FrameStatus::complete) {
      next_sequence_ = std::max(next_sequence_, entry.sequence + 1);
      recovered_.push_back(std::move(entry));
      at += frame.size;
      continue;
    }
    if (frame.status == FrameStatus::incomplete) {
      // The process died inside write(): the entry was never acknowledged.
      std::error_code error;
      std::filesystem::resize_file(file, at, error);
      notes_.push_back("cut a torn entry (" + std::to_string(bytes.size() - at) +
                       " bytes) off the end of " + file.string() +
                       (error ? " (could not truncate: " + error.message() + ")" : ""));
      return;
    }
    std::filesystem::path aside = file;
    aside += ".corrupt";
    std::error_code error;
    std::filesystem::rename(file, aside, error);
    segments_.erase(first_sequence);
    notes_.push_back("damaged entry at byte " + std::to_string(at) + " of " + file.string() +
                     ": read " + std::to_string(recovered_.size()) +
                     " entries before it; the rest is kept in " + aside.string() +
                     (error ? " (could not rename: " + error.message() + ")" : ""));
    return;
  }
}

Status FileJournal::append(JournalEntry& entry) {
  std::lock_guard lock(mutex_);
  if (Status written =
          appender_.append(next_sequence_, entry.received_at_ms, entry.topic, entry.payload);
      !written) {
    return written;
  }
  entry.sequence = next_sequence_++;
  return ok_status();
}

void FileJournal::release(std::uint64_t up_to) {
  std::lock_guard lock(mutex_);
  // A segment's entries end where the next segment's begin; the last
  // segment is the one appended to and stays.
  for (auto it = segments_.begin(); it != segments_.end();) {
    const auto next = std::next(it);
    if (next == segments_.end() || next->first - 1 > up_to) break;
    std::error_code error;
    std::filesystem::remove(it->second, error);
    it = segments_.erase(it);
  }
}

std::vector<JournalEntry> FileJournal::take_recovered(std::uint64_t after) {
  std::lock_guard lock(mutex_);
  return take_entries_after(recovered_, after);
}

std::size_t FileJournal::segment_count() const {
  std::lock_guard lock(mutex_);
  return segments_.size();
}

}  // namespace edgehub::hub

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

namespace edgehub::hub {
namespace {

constexpr const char* kSegmentSuffix = ".journal";
constexpr std::size_t kSequenceDigits = 20;

std::filesystem::path segment_file(const std::filesystem::path& dir, std::uint64_t first) {
  std::string digits = std::to_string(first);
  digits.insert(0, kSequenceDigits - digits.size(), '0');
  return dir / (digits + kSegmentSuffix);
}

// The first sequence a segment's name says it holds, or nothing.
std::optional<std::uint64_t> first_sequence_of(const std::filesystem::path& file) {
  if (file.extension() != kSegmentSuffix) return std::nullopt;
  const std::string stem = file.stem().string();
  if (stem.size() != kSequenceDigits) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : stem) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

Error io_error(const std::string& what, int error_number) {
  return make_error(ErrorCode::internal, "journal: " + what + ": " + std::strerror(error_number));
}

}  // namespace

FileJournal::FileJournal(std::filesystem::path dir, FileJournalSettings settings)
    : dir_(std::move(dir)), settings_(settings) {}

FileJournal::~FileJournal() {
  if (fd_ >= 0) ::close(fd_);
}

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
  if (Status started = journal->start_segment(); !started) return started.error();
  return journal;
}

Status FileJournal::load_segments() {
  std::error_code error;
  for (const auto& item : std::filesystem::directory_iterator(dir_, error)) {
    if (auto first = first_sequence_of(item.path())) segments_.emplace(*first, item.path());
  }
  if (error) {
    return make_error(ErrorCode::internal,
                      "journal: cannot list '" + dir_.string() + "': " + error.message());
  }
  const auto listed = segments_;
  for (const auto& [first, file] : listed) {
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

Status FileJournal::start_segment() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  const std::filesystem::path file = segment_file(dir_, next_sequence_);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create " + file.string(), errno);
  fd_ = fd;
  segment_size_ = 0;
  segments_[next_sequence_] = file;
  return ok_status();
}

Status FileJournal::append(JournalEntry& entry) {
  std::lock_guard lock(mutex_);
  if (fd_ < 0) {
    if (Status started = start_segment(); !started) return started;
  }
  frame_.clear();
  encode_journal_entry(next_sequence_, entry.received_at_ms, entry.topic, entry.payload, frame_);
  std::size_t written = 0;
  while (written < frame_.size()) {
    const ssize_t n = ::write(fd_, frame_.data() + written, frame_.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error_number = n < 0 ? errno : ENOSPC;
      // Leave no torn frame behind for the next append to follow.
      if (written > 0 && ::ftruncate(fd_, static_cast<off_t>(segment_size_)) != 0) {
        ::close(fd_);
        fd_ = -1;  // the next append starts a new segment
      }
      return io_error("cannot write an entry", error_number);
    }
    written += static_cast<std::size_t>(n);
  }
  entry.sequence = next_sequence_++;
  segment_size_ += frame_.size();
  // The entry is written either way; if the new segment cannot be created
  // now, the next append tries again (and reports the error).
  if (segment_size_ >= settings_.segment_bytes) (void)start_segment();
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

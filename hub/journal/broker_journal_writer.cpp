#include "journal/broker_journal_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "journal/journal_codec.h"
#include "journal/segment_files.h"
#include "journal/segment_reader.h"

namespace edgehub::hub {
namespace {

Error io_error(const std::string& what, int error_number) {
  return make_error(ErrorCode::internal, "journal: " + what + ": " + std::strerror(error_number));
}

// The sequence after the last complete entry of a segment, or `first` if it
// holds none (a segment is named after the entry it starts with).
std::uint64_t next_after_segment(std::uint64_t first, const std::filesystem::path& file) {
  std::uint64_t next = first;
  auto reader = SegmentReader::open(file, 1u << 20);
  if (!reader) return next;
  JournalEntry entry;
  while (reader->next(entry) == FrameStatus::complete) next = std::max(next, entry.sequence + 1);
  return next;
}

Result<std::uint64_t> segment_bytes_on_disk(const std::filesystem::path& dir) {
  auto segments = list_segments(dir);
  if (!segments) return segments.error();
  std::uint64_t total = 0;
  for (const auto& [first, file] : *segments) {
    std::error_code error;
    const auto size = std::filesystem::file_size(file, error);
    if (!error) total += size;  // a segment deleted meanwhile counts nothing
  }
  return total;
}

}  // namespace

Result<std::uint64_t> highest_journal_sequence(const std::filesystem::path& dir) {
  auto segments = list_segments(dir);
  if (!segments) return segments.error();
  // Entries only grow from one segment to the next: the newest segment with
  // an entry holds the highest; an empty newest one says where it would start.
  for (auto it = segments->rbegin(); it != segments->rend(); ++it) {
    const std::uint64_t next = next_after_segment(it->first, it->second);
    if (next > it->first) return next - 1;
    if (it->first > 0) return it->first - 1;
  }
  return std::uint64_t{0};
}

namespace {

// Segments of at most an eighth of the budget: hubd frees space a segment at
// a time, and never the one being written.
BrokerJournalWriterSettings fitted(BrokerJournalWriterSettings settings) {
  const std::uint64_t eighth = std::max<std::uint64_t>(settings.max_bytes / 8, 64u * 1024u);
  settings.segment_bytes =
      static_cast<std::size_t>(std::min<std::uint64_t>(settings.segment_bytes, eighth));
  return settings;
}

}  // namespace

BrokerJournalWriter::BrokerJournalWriter(std::filesystem::path dir,
                                         BrokerJournalWriterSettings settings)
    : dir_(std::move(dir)),
      settings_(fitted(settings)),
      // Called inside append(), which holds sync_mutex_ already.
      appender_(dir_, settings_.segment_bytes, {}, [this](int fd) { to_sync_.push_back(fd); }) {}

BrokerJournalWriter::~BrokerJournalWriter() { (void)sync(); }

Result<std::unique_ptr<BrokerJournalWriter>> BrokerJournalWriter::open(
    const std::filesystem::path& dir, BrokerJournalWriterSettings settings, std::uint64_t now_us) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return io_error("cannot create " + dir.string(), errno);
  }
  auto highest = highest_journal_sequence(dir);
  if (!highest) return highest.error();
  auto usage = segment_bytes_on_disk(dir);
  if (!usage) return usage.error();
  std::unique_ptr<BrokerJournalWriter> writer(new BrokerJournalWriter(dir, settings));
  writer->next_sequence_ = std::max(*highest + 1, now_us);
  writer->usage_bytes_ = *usage;
  // A new segment per run: the last one may end with a frame torn by a crash.
  if (Status started = writer->appender_.start_segment(writer->next_sequence_); !started) {
    return started.error();
  }
  return writer;
}

Status BrokerJournalWriter::append(std::int64_t received_at_ms, std::string_view topic,
                                   std::string_view payload) {
  const std::uint64_t frame_bytes =
      kJournalFrameHeaderBytes + kJournalBodyFixedBytes + topic.size() + payload.size();
  if (usage_bytes_ + frame_bytes > settings_.max_bytes) {
    // hubd deletes only segments the writer has left: leave this one, so
    // that the space comes back once hubd has stored it.
    if (appender_.segment_size() > 0) {
      std::lock_guard lock(sync_mutex_);
      (void)appender_.start_segment(next_sequence_);
    }
    return make_error(ErrorCode::unavailable, "journal full: " + std::to_string(usage_bytes_) +
                                                  " bytes on disk, budget " +
                                                  std::to_string(settings_.max_bytes));
  }
  {
    std::lock_guard lock(sync_mutex_);  // the descriptor may change (a new segment)
    if (Status written = appender_.append(next_sequence_, received_at_ms, topic, payload);
        !written) {
      // A full disk: as over the budget, leave the segment so that hubd can
      // delete it once stored (a new, empty file needs no data blocks).
      if (appender_.segment_size() > 0) (void)appender_.start_segment(next_sequence_);
      return written;
    }
    written_since_sync_ = true;
  }
  ++next_sequence_;
  usage_bytes_ += frame_bytes;
  return ok_status();
}

Status BrokerJournalWriter::sync() {
  std::vector<int> full;
  int current = -1;
  {
    std::lock_guard lock(sync_mutex_);
    full.swap(to_sync_);
    if (written_since_sync_ && appender_.fd() >= 0) current = ::dup(appender_.fd());
    written_since_sync_ = false;
  }
  Status result = ok_status();
  // Outside the lock: an fdatasync can take milliseconds, append() must not wait.
  for (int fd : full) {
    if (::fdatasync(fd) != 0 && result) result = io_error("fdatasync", errno);
    ::close(fd);
  }
  if (current >= 0) {
    if (::fdatasync(current) != 0 && result) result = io_error("fdatasync", errno);
    ::close(current);
  }
  return result;
}

Status BrokerJournalWriter::refresh_usage() {
  auto usage = segment_bytes_on_disk(dir_);
  if (!usage) return usage.error();
  usage_bytes_ = *usage;
  return ok_status();
}

}  // namespace edgehub::hub

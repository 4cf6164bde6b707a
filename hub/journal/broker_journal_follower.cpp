#include "journal/broker_journal_follower.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <system_error>
#include <utility>

#include "journal/segment_files.h"

namespace edgehub::hub {
namespace {

std::filesystem::path kept_aside(const std::filesystem::path& segment) {
  std::filesystem::path aside = segment;
  aside += ".corrupt";
  return aside;
}

// 0700: the journal holds every device's telemetry.
Status create_private_directory(const std::filesystem::path& dir) {
  std::error_code error;
  if (std::filesystem::is_directory(dir, error)) return ok_status();
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), error);
  if (error || (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)) {
    return make_error(ErrorCode::internal,
                      "broker journal: cannot create '" + dir.string() +
                          "': " + (error ? error.message() : std::strerror(errno)));
  }
  return ok_status();
}

}  // namespace

std::string CorruptRegion::describe() const {
  return "broker journal: damaged frame at byte " + std::to_string(offset) + " of " +
         segment.string() + ": " + std::to_string(bytes_skipped) + " bytes skipped " +
         (last_good_sequence > 0 ? "after entry " + std::to_string(last_good_sequence)
                                 : std::string("before any entry")) +
         " (kept in " + kept_aside(segment).string() + ")";
}

BrokerJournalFollower::BrokerJournalFollower(std::filesystem::path dir, std::uint64_t applied,
                                             BrokerJournalSettings settings,
                                             BrokerJournalEvents events,
                                             std::unique_ptr<DirectoryWatch> watch)
    : dir_(std::move(dir)),
      settings_(settings),
      events_(std::move(events)),
      watch_(std::move(watch)),
      position_(applied),
      remover_(std::make_unique<SegmentRemover>(
          [this](const SegmentRemoval& removal, std::error_code error) {
            removed(removal, error);
          })) {}

BrokerJournalFollower::~BrokerJournalFollower() { stop(); }

Result<std::unique_ptr<BrokerJournalFollower>> BrokerJournalFollower::open(
    const std::filesystem::path& dir, std::uint64_t applied, BrokerJournalSettings settings,
    BrokerJournalEvents events) {
  if (Status created = create_private_directory(dir); !created) return created.error();
  // Watching before the first listing: nothing written in between is missed.
  auto watch = DirectoryWatch::open(dir);
  if (!watch) return watch.error();
  std::unique_ptr<BrokerJournalFollower> follower(
      new BrokerJournalFollower(dir, applied, settings, std::move(events), std::move(*watch)));
  if (!follower->watch_->watching()) {
    follower->note("broker journal: no inotify (" + follower->watch_->why_not_watching() +
                   "): new entries are found by the re-scan every " +
                   std::to_string(settings.rescan_interval.count()) + " ms");
  }
  follower->list_segments();
  // What an earlier run stored but did not delete before it stopped (gone
  // when open returns).
  follower->release(applied);
  follower->wait_for_removals();
  return follower;
}

Status BrokerJournalFollower::append(JournalEntry&) {
  return make_error(ErrorCode::conflict,
                    "broker journal: hubd only reads it (the broker plugin writes it)");
}

void BrokerJournalFollower::list_segments() {
  // Under the lock: a listing taken before a release() deleted a file must
  // not bring that file back.
  std::lock_guard lock(mutex_);
  std::map<std::uint64_t, std::filesystem::path> on_disk;
  std::error_code error;
  std::filesystem::directory_iterator item(dir_, error);
  for (; !error && item != std::filesystem::directory_iterator(); item.increment(error)) {
    if (removing_.contains(item->path())) continue;
    if (auto first = first_sequence_of(item->path())) on_disk.emplace(*first, item->path());
  }
  if (error) return;  // the next re-scan tries again
  std::erase_if(segments_, [&](const auto& segment) { return !on_disk.contains(segment.first); });
  for (auto& [first, file] : on_disk) segments_.try_emplace(first, Segment{std::move(file)});
}

bool BrokerJournalFollower::newer_segment_exists(std::uint64_t first) const {
  std::lock_guard lock(mutex_);
  return segments_.upper_bound(first) != segments_.end();
}

void BrokerJournalFollower::release(std::uint64_t up_to) {
  std::vector<SegmentRemoval> removals;
  {
    std::lock_guard lock(mutex_);
    for (auto it = segments_.begin(); it != segments_.end();) {
      const auto next = std::next(it);
      // The newest stays: the writer may append to it, and it keeps the
      // highest sequence on disk for the writer's next run.
      if (next == segments_.end()) break;
      const Segment& segment = it->second;
      // A segment's entries end before the next one's first; one read to
      // its end also knows its last entry (writer runs leave gaps).
      const bool released = next->first - 1 <= up_to ||
                            (segment.finished && segment.last_sequence.value_or(0) <= up_to);
      if (!released) break;
      removals.push_back(SegmentRemoval{
          segment.file, segment.corrupt ? std::optional(kept_aside(segment.file)) : std::nullopt});
      removing_.insert(segment.file);
      it = segments_.erase(it);
    }
  }
  remover_->submit(std::move(removals));
}

void BrokerJournalFollower::wait_for_removals() { remover_->wait_idle(); }

void BrokerJournalFollower::removed(const SegmentRemoval& removal, std::error_code error) {
  bool say = false;
  {
    std::lock_guard lock(mutex_);
    removing_.erase(removal.file);
    // A failed one comes back at the next listing and is tried again at a
    // later release; said once.
    if (error) {
      say = removal_failed_.insert(removal.file).second;
    } else {
      removal_failed_.erase(removal.file);
      say = removal.keep_as.has_value();
    }
  }
  if (!say) return;
  if (error) {
    note("broker journal: cannot " + std::string(removal.keep_as ? "set aside " : "remove ") +
         removal.file.string() + ": " + error.message());
  } else {
    note("broker journal: kept " + removal.keep_as->string());
  }
}

std::vector<JournalEntry> BrokerJournalFollower::take_recovered(std::uint64_t after) {
  std::lock_guard reading(reading_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (recovered_) return {};
    recovered_ = true;
  }
  if (after > position_) position_ = after;
  list_segments();
  std::vector<JournalEntry> entries;
  std::size_t bytes = 0;
  while (entries.empty() || bytes < settings_.recovery_max_bytes) {
    std::optional<JournalEntry> entry = read_next();
    if (!entry) break;
    bytes += entry->topic.size() + entry->payload.size();
    position_ = entry->sequence;
    entries.push_back(std::move(*entry));
  }
  entries_handed_ += entries.size();
  return entries;
}

bool BrokerJournalFollower::open_next_segment() {
  for (;;) {
    std::uint64_t first = 0;
    std::filesystem::path file;
    {
      std::lock_guard lock(mutex_);
      auto it = reading_first_ ? segments_.upper_bound(*reading_first_) : segments_.begin();
      // Segments whose entries are all at or before the position are not read.
      while (it != segments_.end() && std::next(it) != segments_.end() &&
             std::next(it)->first - 1 <= position_) {
        ++it;
      }
      if (it == segments_.end()) return false;
      first = it->first;
      file = it->second.file;
    }
    auto opened = SegmentReader::open(file, settings_.read_chunk_bytes);
    if (!opened && opened.error().code != ErrorCode::not_found) {
      note(opened.error().message + " (tried again at the next re-scan)");
      return false;
    }
    reading_first_ = first;  // gone (released or removed): the next one
    last_in_segment_ = 0;
    waiting_at_damage_.reset();
    if (opened) {
      reader_.emplace(std::move(*opened));
      return true;
    }
  }
}

std::optional<JournalEntry> BrokerJournalFollower::read_next() {
  bool end_is_final = false;
  for (;;) {
    if (!reader_ && !open_next_segment()) return std::nullopt;
    JournalEntry entry;
    const FrameStatus status = reader_->next(entry);
    if (status == FrameStatus::complete) {
      end_is_final = false;
      last_in_segment_ = entry.sequence;
      if (entry.sequence <= position_) continue;
      return entry;
    }
    reader_->forget_buffer();
    if (!end_is_final) {
      if (!newer_segment_exists(*reading_first_)) {
        // The newest segment: a write in progress, or (damaged) a frame
        // read while the writer was truncating a failed write. Wait.
        if (status == FrameStatus::corrupt && waiting_at_damage_ != reader_->offset()) {
          waiting_at_damage_ = reader_->offset();
          note("broker journal: the frame at byte " + std::to_string(reader_->offset()) + " of " +
               reader_->file().string() +
               " does not check out; waiting (it is skipped once the writer starts a new "
               "segment)");
        }
        return std::nullopt;
      }
      // The writer has left this segment (it created the newer one after
      // its last write here): read the end once more, now final.
      end_is_final = true;
      continue;
    }
    finish_segment(status);
    end_is_final = false;
  }
}

void BrokerJournalFollower::finish_segment(FrameStatus ended_with) {
  const std::uint64_t offset = reader_->offset();
  const std::uint64_t size = reader_->file_size();
  const std::uint64_t left = size > offset ? size - offset : 0;
  const bool torn = ended_with == FrameStatus::incomplete && left > 0;
  std::optional<CorruptRegion> region;
  if (ended_with == FrameStatus::corrupt) {
    region = CorruptRegion{reader_->file(), offset, left, last_in_segment_};
  }
  {
    std::lock_guard lock(mutex_);
    if (auto it = segments_.find(*reading_first_); it != segments_.end()) {
      it->second.finished = true;
      if (last_in_segment_ > 0) it->second.last_sequence = last_in_segment_;
      it->second.corrupt = region.has_value();
    }
  }
  if (torn) {
    ++torn_tails_;
    note("broker journal: skipped a torn entry (" + std::to_string(left) +
         " bytes) at the end of " + reader_->file().string() +
         ": the broker stopped inside its write (never acknowledged)");
  }
  if (region) {
    ++corrupt_regions_;
    note(region->describe());
    if (events_.on_corrupt) events_.on_corrupt(*region);
  }
  reader_.reset();
}

void BrokerJournalFollower::start(FollowedEntryHandler on_entry) {
  std::lock_guard lock(mutex_);
  if (worker_.joinable() || stopping_) return;
  on_entry_ = std::move(on_entry);
  worker_ = std::thread([this] { run(); });
}

void BrokerJournalFollower::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_all();
  watch_->wake();
  if (worker_.joinable()) worker_.join();
}

void BrokerJournalFollower::run() {
  bool list = true;
  std::chrono::steady_clock::time_point last_read{};
  while (!stopping_) {
    // Reads start at least read_linger apart: a write after a quiet spell
    // is read at once; under load one wake-up reads what arrived meanwhile.
    pause_until(last_read + settings_.read_linger);
    last_read = std::chrono::steady_clock::now();
    if (list) list_segments();
    if (!hand_over_available()) {
      pause_until(std::chrono::steady_clock::now() + settings_.rescan_interval);
      list = true;
      continue;
    }
    if (stopping_) break;
    const DirectoryChanges changes = watch_->wait(settings_.rescan_interval);
    list = changes.names_changed || changes.timed_out;
  }
}

bool BrokerJournalFollower::hand_over_available() {
  while (!stopping_) {
    std::optional<JournalEntry> entry;
    {
      std::lock_guard reading(reading_mutex_);
      entry = read_next();
    }
    if (!entry) return true;
    const std::uint64_t sequence = entry->sequence;
    // May block for long (back-pressure): no lock is held.
    const Status taken = on_entry_(std::move(*entry));
    if (!taken) {
      {
        std::lock_guard reading(reading_mutex_);
        reader_->unread_last();
      }
      if (!stopping_) {
        note("broker journal: entry " + std::to_string(sequence) + " not taken (" +
             taken.error().message + "); offered again in " +
             std::to_string(settings_.rescan_interval.count()) + " ms");
      }
      return false;
    }
    position_ = sequence;
    ++entries_handed_;
  }
  return true;
}

void BrokerJournalFollower::pause_until(std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mutex_);
  stop_requested_.wait_until(lock, until, [this] { return stopping_.load(); });
}

BrokerJournalStats BrokerJournalFollower::stats() const {
  BrokerJournalStats stats;
  {
    std::lock_guard lock(mutex_);
    stats.segments = segments_.size();
    for (const auto& [first, segment] : segments_) {
      std::error_code error;
      const auto size = std::filesystem::file_size(segment.file, error);
      if (!error) stats.bytes += size;
    }
  }
  stats.entries_handed = entries_handed_;
  stats.last_handed = position_;
  stats.torn_tails = torn_tails_;
  stats.corrupt_regions = corrupt_regions_;
  stats.inotify = watch_->watching();
  return stats;
}

void BrokerJournalFollower::note(const std::string& text) const {
  if (events_.on_note) events_.on_note(text);
}

}  // namespace edgehub::hub

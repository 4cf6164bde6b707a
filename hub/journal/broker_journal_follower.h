// hubd's reader of the broker journal: the segment files the mosquitto
// plugin writes every device telemetry publish to before the broker sends
// the PUBACK (<data-dir>/journal/broker/, segment_files.h, frames as
// journal_codec.h). It is a MessageJournal, so that a GroupCommit commits
// it to the streams exactly like hubd's own journal: take_recovered() at
// start, then follow() hands each new entry to GroupCommit::enqueue, and the
// group commit's release() deletes what the streams hold.
//
// The writer's contract (one writer; sequences +1 within a writer run; a new
// run starts a new segment numbered above everything before; one write()
// per frame, truncated back if it fails) lets the reader decide alone:
// - the newest segment (largest name) may end inside a frame: a write in
//   progress. Wait for it.
// - an older segment that ends inside a frame was torn by a crash: the
//   writer has moved on and never returns to it. Skip the rest, with a note.
// - a frame that fails its checksum: nothing after it in that segment can
//   be trusted (frame boundaries are lost). Reported once the writer has
//   left the segment (a newer one exists), then reading continues there;
//   the segment is kept as <name>.corrupt instead of deleted. While it is
//   the newest, the reader waits (a frame read while the writer was
//   truncating a failed write looks damaged too, and is read again).
// - frames with sequence <= the applied position are skipped.
// A segment is deleted once every entry in it is released and it is not the
// newest (the writer may still append to that one; it also keeps the highest
// sequence on disk for the writer's next run).
//
// Memory: one read chunk (and one frame). The follow handler may block: the
// follower then reads nothing more; the bytes on disk are the buffer.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "journal/directory_watch.h"
#include "journal/message_journal.h"
#include "journal/segment_reader.h"
#include "journal/segment_remover.h"

namespace edgehub::hub {

struct BrokerJournalSettings {
  // The safety re-scan: the follow thread looks at the directory this often
  // even without an inotify event (one missed, or inotify unavailable).
  std::chrono::milliseconds rescan_interval{1500};
  // The shortest time between the starts of two reads. A write after a
  // quiet spell is read at once; under load, one wake-up reads what the
  // broker wrote meanwhile instead of one per write(). Adds at most this
  // much to the time until a message is readable in its stream.
  std::chrono::microseconds read_linger{1000};
  // Bytes read from a segment at a time: the read-ahead held in memory.
  std::size_t read_chunk_bytes = 1u << 20;
  // take_recovered() returns entries up to this many bytes (topic +
  // payload; at least one entry); the rest arrives through the follow
  // handler. Keep it >= the group commit's max_backlog_bytes: the batch a
  // previous run died in then lies wholly in what recover() sees, and its
  // poison guard works.
  std::size_t recovery_max_bytes = 64u * 1024u * 1024u;
};

// The rest of a segment after a damaged frame, skipped.
struct CorruptRegion {
  std::filesystem::path segment;  // kept as <segment>.corrupt once released
  std::uint64_t offset = 0;       // of the damaged frame
  std::uint64_t bytes_skipped = 0;
  std::uint64_t last_good_sequence = 0;  // of the last entry read before it (0: none)

  // "broker journal: damaged frame at byte 120 of .../x.journal: 4096 bytes
  // skipped after entry 17 (kept in .../x.journal.corrupt)": the reason of
  // hubd's dead letter.
  std::string describe() const;
};

struct BrokerJournalEvents {
  // A corrupt region, once the writer has left its segment. Called by the
  // reading thread (take_recovered's caller, then the follow thread).
  std::function<void(const CorruptRegion& region)> on_corrupt;
  // A line for the operator's log (torn tails skipped, a damaged frame
  // waited on, segments kept aside, inotify unavailable). Any thread.
  std::function<void(const std::string& note)> on_note;
};

// Health figures (BrokerJournalFollower::stats).
struct BrokerJournalStats {
  std::size_t segments = 0;           // segment files on disk
  std::uint64_t bytes = 0;            // their total size
  std::uint64_t entries_handed = 0;   // by take_recovered and the follow handler
  std::uint64_t last_handed = 0;      // sequence of the last one (or the applied position)
  std::uint64_t torn_tails = 0;       // incomplete frames ending an older segment, skipped
  std::uint64_t corrupt_regions = 0;  // reported through on_corrupt
  bool inotify = false;               // false: only the periodic re-scan finds new data
};

// Takes one entry; may block (back-pressure). An error: the entry was not
// taken; it is offered again after rescan_interval.
using FollowedEntryHandler = std::function<Status(JournalEntry entry)>;

class BrokerJournalFollower final : public MessageJournal {
 public:
  // Creates dir (0700) if missing and lists it. Entries with sequence <=
  // applied (the streams' recorded position) are skipped, and the segments
  // that hold only such entries are deleted (except the newest).
  static Result<std::unique_ptr<BrokerJournalFollower>> open(const std::filesystem::path& dir,
                                                             std::uint64_t applied,
                                                             BrokerJournalSettings settings = {},
                                                             BrokerJournalEvents events = {});
  ~BrokerJournalFollower() override;  // stops following
  BrokerJournalFollower(const BrokerJournalFollower&) = delete;
  BrokerJournalFollower& operator=(const BrokerJournalFollower&) = delete;

  // Always an error: only the broker plugin writes this journal.
  Status append(JournalEntry& entry) override;
  // Deletes the segments (not the newest) whose entries all have sequence
  // <= up_to, in the background (segment_remover.h): returns at once.
  // Thread-safe.
  void release(std::uint64_t up_to) override;
  // Until the deletions asked for so far are carried out.
  void wait_for_removals();
  // Before start(): the complete entries on disk with sequence > after, in
  // order, up to recovery_max_bytes (once; later calls return nothing).
  // Following continues after the last one returned.
  std::vector<JournalEntry> take_recovered(std::uint64_t after) override;

  // Starts the follow thread: every complete entry after the last one
  // handed (or recovered), in sequence order, goes to on_entry as soon as
  // the plugin has written it. Once.
  void start(FollowedEntryHandler on_entry);
  // Wakes the follow thread and joins it; returns as soon as the handler
  // call in progress (if any) returns. Idempotent. A handler blocked in
  // GroupCommit::enqueue returns only when the group commit makes room or
  // stops: with its store down, stop the GroupCommit FIRST (enqueue then
  // refuses at once), then the follower.
  void stop();

  BrokerJournalStats stats() const;

 private:
  struct Segment {
    std::filesystem::path file;
    bool finished = false;  // read to its end after the writer left it
    std::optional<std::uint64_t> last_sequence;
    bool corrupt = false;  // kept aside instead of deleted
  };

  BrokerJournalFollower(std::filesystem::path dir, std::uint64_t applied,
                        BrokerJournalSettings settings, BrokerJournalEvents events,
                        std::unique_ptr<DirectoryWatch> watch);
  void list_segments();
  bool newer_segment_exists(std::uint64_t first) const;
  // The next complete entry after position_, or nothing for now.
  std::optional<JournalEntry> read_next();
  bool open_next_segment();
  void finish_segment(FrameStatus ended_with);
  void note(const std::string& text) const;
  // The remover's report on one segment (its thread).
  void removed(const SegmentRemoval& removal, std::error_code error);
  void run();
  // Hands every complete entry to on_entry_; false if one was not taken.
  bool hand_over_available();
  // Until `until` or stop().
  void pause_until(std::chrono::steady_clock::time_point until);

  const std::filesystem::path dir_;
  const BrokerJournalSettings settings_;
  const BrokerJournalEvents events_;
  std::unique_ptr<DirectoryWatch> watch_;

  std::atomic<std::uint64_t> entries_handed_{0};
  std::atomic<std::uint64_t> torn_tails_{0};
  std::atomic<std::uint64_t> corrupt_regions_{0};

  mutable std::mutex mutex_;                   // segments_, start/stop
  std::map<std::uint64_t, Segment> segments_;  // first sequence -> segment
  // Released, handed to the remover: a listing meanwhile must not bring them back.
  std::set<std::filesystem::path> removing_;
  std::set<std::filesystem::path> removal_failed_;  // said once; retried at a later release
  std::condition_variable stop_requested_;
  std::atomic<bool> stopping_{false};
  bool recovered_ = false;
  std::thread worker_;
  FollowedEntryHandler on_entry_;

  // The reading position: take_recovered's caller, then the follow thread.
  std::mutex reading_mutex_;
  std::optional<SegmentReader> reader_;
  std::optional<std::uint64_t> reading_first_;      // the segment read now or last
  std::uint64_t last_in_segment_ = 0;               // last sequence read in it
  std::optional<std::uint64_t> waiting_at_damage_;  // offset noted in the newest segment
  std::atomic<std::uint64_t> position_;             // last sequence handed (or applied)

  // Last: destroyed first, while what its reports touch is still there.
  std::unique_ptr<SegmentRemover> remover_;
};

}  // namespace edgehub::hub

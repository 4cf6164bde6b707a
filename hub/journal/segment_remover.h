// Deletes released journal segments, or sets damaged ones aside, on a thread
// of its own.
//
// Why: unlinking a 16 MiB segment took up to 41 ms under disk load (ext4
// frees its blocks, and with online discard trims them). The group commit's
// thread releases segments after each commit, and every message behind it
// would wait for that; so would the follower, which shares the segment list's
// lock. Deleting a little later costs nothing: the plugin's budget sees the
// space at its next usage check anyway.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

namespace edgehub::hub {

struct SegmentRemoval {
  std::filesystem::path file;
  // Renamed to this instead of deleted (a damaged segment kept for a person to look at).
  std::optional<std::filesystem::path> keep_as;
};

class SegmentRemover {
 public:
  // Called on the remover's thread after each removal; no error: done (a
  // file that is gone already counts as done).
  using Done = std::function<void(const SegmentRemoval& removal, std::error_code error)>;

  explicit SegmentRemover(Done done);
  // Carries out what is queued, then ends the thread.
  ~SegmentRemover();
  SegmentRemover(const SegmentRemover&) = delete;
  SegmentRemover& operator=(const SegmentRemover&) = delete;

  void submit(std::vector<SegmentRemoval> removals);
  // Until everything submitted so far is carried out.
  void wait_idle();

 private:
  void run();

  Done done_;
  std::mutex mutex_;
  std::condition_variable queued_;
  std::condition_variable idle_;
  std::deque<SegmentRemoval> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace edgehub::hub

// Wakes a thread when files in one directory are written, created or moved
// in (inotify), or when another thread asks it to (an eventfd): the two are
// waited on together with poll(), so a waiting reader costs nothing and a
// stop is seen at once.
//
// If inotify cannot be set up (the per-user limit of instances or watches is
// reached), the watch still works: wait() then only returns on wake() or the
// timeout, and the caller's periodic re-scan carries on alone (watching()
// says so, for a note to the operator).
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "edgehub/common/result.h"

namespace edgehub::hub {

struct DirectoryChanges {
  bool written = false;        // a file was written to or closed after writing
  bool names_changed = false;  // a file was created or moved in, or events were lost
  bool woken = false;          // wake() was called
  bool timed_out = false;      // none of the above within the timeout
};

class DirectoryWatch {
 public:
  // An error only if not even the eventfd can be created.
  static Result<std::unique_ptr<DirectoryWatch>> open(const std::filesystem::path& dir);
  ~DirectoryWatch();
  DirectoryWatch(const DirectoryWatch&) = delete;
  DirectoryWatch& operator=(const DirectoryWatch&) = delete;

  // Until something changed in the directory since the last call (events
  // that arrived meanwhile count), wake() was called, or timeout passed.
  // One thread waits.
  DirectoryChanges wait(std::chrono::milliseconds timeout);
  // Makes the current or next wait() return. Thread-safe.
  void wake();

  // False also while the directory is gone (removed or renamed): wait()
  // then looks for it again every 250 ms and watches the new one.
  bool watching() const { return watched_; }
  // Why inotify could not be set up at open (empty if it was).
  const std::string& why_not_watching() const { return why_not_watching_; }

 private:
  DirectoryWatch(std::filesystem::path dir, int wake_fd, int inotify_fd,
                 std::string why_not_watching);
  DirectoryChanges drain_events();
  bool add_watch();

  const std::filesystem::path dir_;
  int wake_fd_ = -1;
  int inotify_fd_ = -1;
  int watch_descriptor_ = -1;
  std::atomic<bool> watched_{false};  // the directory has a live watch
  std::string why_not_watching_;
};

}  // namespace edgehub::hub

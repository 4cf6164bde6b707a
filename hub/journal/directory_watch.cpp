#include "journal/directory_watch.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace edgehub::hub {
namespace {

constexpr std::uint32_t kWrittenEvents = IN_MODIFY | IN_CLOSE_WRITE;
constexpr std::uint32_t kNameEvents = IN_CREATE | IN_MOVED_TO;
// The directory itself went away (removed, renamed): watched again once a
// directory is back at the path.
constexpr std::uint32_t kGoneEvents = IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED;
constexpr std::uint32_t kWatchedEvents = kWrittenEvents | kNameEvents | kGoneEvents | IN_ONLYDIR;
// How often a directory that went away is looked for again.
constexpr std::chrono::milliseconds kRewatchInterval{250};

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

DirectoryWatch::DirectoryWatch(std::filesystem::path dir, int wake_fd, int inotify_fd,
                               std::string why_not_watching)
    : dir_(std::move(dir)),
      wake_fd_(wake_fd),
      inotify_fd_(inotify_fd),
      why_not_watching_(std::move(why_not_watching)) {}

bool DirectoryWatch::add_watch() {
  watch_descriptor_ = ::inotify_add_watch(inotify_fd_, dir_.c_str(), kWatchedEvents);
  watched_ = watch_descriptor_ >= 0;
  return watched_;
}

DirectoryWatch::~DirectoryWatch() {
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

Result<std::unique_ptr<DirectoryWatch>> DirectoryWatch::open(const std::filesystem::path& dir) {
  const int wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd < 0) return make_error(ErrorCode::internal, errno_text("cannot create an eventfd"));
  int inotify_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  std::string why_not;
  if (inotify_fd < 0) {
    why_not = errno_text("inotify_init1");
  }
  std::unique_ptr<DirectoryWatch> watch(new DirectoryWatch(dir, wake_fd, inotify_fd, why_not));
  if (inotify_fd >= 0 && !watch->add_watch()) {
    watch->why_not_watching_ = errno_text("inotify_add_watch on " + dir.string());
    ::close(watch->inotify_fd_);
    watch->inotify_fd_ = -1;
  }
  return watch;
}

DirectoryChanges DirectoryWatch::wait(std::chrono::milliseconds timeout) {
  if (inotify_fd_ >= 0 && !watched_) {
    // Files may have come with the new directory before it was watched.
    if (add_watch()) return DirectoryChanges{.names_changed = true};
    timeout = std::min(timeout, kRewatchInterval);
  }
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
  const nfds_t count = inotify_fd_ >= 0 ? 2 : 1;
  int ready = 0;
  do {
    ready = ::poll(fds, count, static_cast<int>(timeout.count()));
  } while (ready < 0 && errno == EINTR);
  DirectoryChanges changes;
  if (ready <= 0) {
    // A failing poll() is treated as a timeout: the caller re-scans.
    changes.timed_out = true;
    return changes;
  }
  if (fds[0].revents != 0) {
    std::uint64_t wakes = 0;
    while (::read(wake_fd_, &wakes, sizeof wakes) > 0) {
    }
    changes.woken = true;
  }
  if (count == 2 && fds[1].revents != 0) {
    const DirectoryChanges events = drain_events();
    changes.written = events.written;
    changes.names_changed = events.names_changed;
  }
  return changes;
}

DirectoryChanges DirectoryWatch::drain_events() {
  DirectoryChanges changes;
  alignas(inotify_event) char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(inotify_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return changes;  // EAGAIN: all read
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      if (event->mask & kWrittenEvents) changes.written = true;
      // A lost event may have been a new segment: the caller lists again.
      if (event->mask & (kNameEvents | kGoneEvents | IN_Q_OVERFLOW)) changes.names_changed = true;
      if ((event->mask & kGoneEvents) && event->wd == watch_descriptor_) {
        // A renamed directory keeps its watch: drop it, to watch the path.
        if (event->mask & IN_MOVE_SELF) ::inotify_rm_watch(inotify_fd_, event->wd);
        watch_descriptor_ = -1;
        watched_ = false;
      }
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
}

void DirectoryWatch::wake() {
  const std::uint64_t one = 1;
  // Fails only when the counter is about to overflow: a wake is pending anyway.
  (void)!::write(wake_fd_, &one, sizeof one);
}

}  // namespace edgehub::hub

#include "journal/segment_appender.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "journal/journal_codec.h"
#include "journal/segment_files.h"

namespace edgehub::hub {
namespace {

Error io_error(const std::string& what, int error_number) {
  // A full disk is an outage the caller may wait out; anything else is I/O trouble.
  return make_error(error_number == ENOSPC || error_number == EDQUOT ? ErrorCode::unavailable
                                                                     : ErrorCode::internal,
                    "journal: " + what + ": " + std::strerror(error_number));
}

}  // namespace

SegmentAppender::SegmentAppender(std::filesystem::path dir, std::size_t segment_bytes,
                                 SegmentStarted on_started, SegmentFinished on_finished)
    : dir_(std::move(dir)),
      segment_bytes_(segment_bytes),
      on_started_(std::move(on_started)),
      on_finished_(std::move(on_finished)) {}

SegmentAppender::~SegmentAppender() {
  if (fd_ >= 0) ::close(fd_);
}

void SegmentAppender::finish_segment() {
  if (fd_ < 0) return;
  if (on_finished_) {
    on_finished_(fd_);
  } else {
    ::close(fd_);
  }
  fd_ = -1;
}

Status SegmentAppender::start_segment(std::uint64_t first_sequence) {
  finish_segment();
  const std::filesystem::path file = segment_file(dir_, first_sequence);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create " + file.string(), errno);
  fd_ = fd;
  segment_size_ = 0;
  if (on_started_) on_started_(first_sequence, file);
  return ok_status();
}

Status SegmentAppender::append(std::uint64_t sequence, std::int64_t received_at_ms,
                               std::string_view topic, std::string_view payload) {
  if (fd_ < 0) {
    if (Status started = start_segment(sequence); !started) return started;
  }
  frame_.clear();
  encode_journal_entry(sequence, received_at_ms, topic, payload, frame_);
  std::size_t written = 0;
  while (written < frame_.size()) {
    const ssize_t n = ::write(fd_, frame_.data() + written, frame_.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error_number = n < 0 ? errno : ENOSPC;
      // Leave no torn frame behind for the next append to follow.
      if (written > 0 && ::ftruncate(fd_, static_cast<off_t>(segment_size_)) != 0) {
        finish_segment();  // the next append starts a new segment
      }
      return io_error("cannot write an entry", error_number);
    }
    written += static_cast<std::size_t>(n);
  }
  segment_size_ += frame_.size();
  // The entry is written either way; if the new segment cannot be created
  // now, the next append tries again (and reports the error).
  if (segment_size_ >= segment_bytes_) (void)start_segment(sequence + 1);
  return ok_status();
}

}  // namespace edgehub::hub

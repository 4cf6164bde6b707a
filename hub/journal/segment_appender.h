// Appends journal frames (journal_codec.h) to segment files of one directory
// (segment_files.h): one write() per frame, so that a frame that was written
// survives the death of the process (page cache); a new segment once the
// current one holds segment_bytes. A write that fails leaves nothing of its
// frame behind (the file is truncated back), so the next frame never follows
// a torn one. Used by hubd's own journal and by the broker plugin's writer.
//
// Not thread-safe: the owner serialises calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hub {

class SegmentAppender {
 public:
  // Called with each segment file created (its first sequence and path).
  using SegmentStarted = std::function<void(std::uint64_t first, const std::filesystem::path&)>;
  // Called with the descriptor of a segment that is full, instead of closing
  // it (ownership passes: e.g. to fdatasync it first). Empty: closed at once.
  using SegmentFinished = std::function<void(int fd)>;

  SegmentAppender(std::filesystem::path dir, std::size_t segment_bytes,
                  SegmentStarted on_started = {}, SegmentFinished on_finished = {});
  ~SegmentAppender();
  SegmentAppender(const SegmentAppender&) = delete;
  SegmentAppender& operator=(const SegmentAppender&) = delete;

  // Creates a new, empty segment whose first entry will be first_sequence.
  Status start_segment(std::uint64_t first_sequence);
  // Writes the entry as `sequence` (starting a segment first if none is
  // open). ok: written whole; an error: nothing of it is in the file.
  Status append(std::uint64_t sequence, std::int64_t received_at_ms, std::string_view topic,
                std::string_view payload);

  // The open segment's descriptor (-1: none), e.g. for fdatasync.
  int fd() const { return fd_; }
  // Bytes of the last frame written.
  std::size_t last_frame_bytes() const { return frame_.size(); }
  // Bytes in the open segment (0: none open, or empty).
  std::size_t segment_size() const { return fd_ >= 0 ? segment_size_ : 0; }

 private:
  void finish_segment();

  std::filesystem::path dir_;
  std::size_t segment_bytes_;
  SegmentStarted on_started_;
  SegmentFinished on_finished_;
  int fd_ = -1;
  std::size_t segment_size_ = 0;
  std::string frame_;  // reused encoding buffer
};

}  // namespace edgehub::hub

// Reads the frames of one journal segment (journal_codec.h) from a byte
// offset on, a bounded chunk at a time: while a reader falls behind, the
// bytes wait on disk, not in memory (at most one chunk, or one frame if a
// frame is larger).
//
// The file may be growing while it is read. A frame that is not complete yet
// reads as incomplete, and nothing after the last complete frame is kept: the
// next call reads the file again from there, because a writer whose write()
// failed half-way truncates the file back to the frame's start and writes the
// next frame over it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "edgehub/common/result.h"
#include "journal/journal_codec.h"

namespace edgehub::hub {

class SegmentReader {
 public:
  // Opens file for reading from the start (not_found if it is gone).
  static Result<SegmentReader> open(const std::filesystem::path& file, std::size_t chunk_bytes);
  ~SegmentReader();
  SegmentReader(SegmentReader&& other) noexcept;
  SegmentReader& operator=(SegmentReader&& other) noexcept;
  SegmentReader(const SegmentReader&) = delete;
  SegmentReader& operator=(const SegmentReader&) = delete;

  // The frame at offset(): complete (entry filled, offset() moves past it),
  // incomplete (the file ends at offset() or inside the frame), or corrupt
  // (offset() stays at the damaged frame).
  FrameStatus next(JournalEntry& entry);
  // Steps back over the frame next() returned last, to read it again.
  void unread_last();
  // Forgets what is buffered: the next call reads the file again.
  void forget_buffer();

  // Where the next frame starts.
  std::uint64_t offset() const { return offset_; }
  // The file's size now (0 if it cannot be told).
  std::uint64_t file_size() const;
  const std::filesystem::path& file() const { return file_; }

 private:
  SegmentReader(std::filesystem::path file, int fd, std::size_t chunk_bytes);
  // Reads at least `want` bytes from offset_ into a fresh buffer (fewer at
  // the end of the file). True if more bytes than before were read.
  bool refill(std::size_t want);

  std::filesystem::path file_;
  int fd_ = -1;
  std::size_t chunk_bytes_;
  std::uint64_t offset_ = 0;
  std::uint64_t last_frame_offset_ = 0;
  // File bytes from offset_ - consumed_ on. Not a std::string: a follower
  // that keeps up reads one frame per wake-up into a chunk-sized buffer,
  // which must not be zero-filled each time.
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;      // bytes read into buffer_
  std::size_t consumed_ = 0;  // bytes of buffer_ before offset_
};

}  // namespace edgehub::hub

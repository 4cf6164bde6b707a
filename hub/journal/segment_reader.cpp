#include "journal/segment_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace edgehub::hub {
namespace {

std::uint32_t body_size_in_header(std::string_view bytes) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  }
  return value;
}

}  // namespace

SegmentReader::SegmentReader(std::filesystem::path file, int fd, std::size_t chunk_bytes)
    : file_(std::move(file)), fd_(fd), chunk_bytes_(std::max<std::size_t>(chunk_bytes, 64)) {}

SegmentReader::~SegmentReader() {
  if (fd_ >= 0) ::close(fd_);
}

SegmentReader::SegmentReader(SegmentReader&& other) noexcept
    : file_(std::move(other.file_)),
      fd_(std::exchange(other.fd_, -1)),
      chunk_bytes_(other.chunk_bytes_),
      offset_(other.offset_),
      last_frame_offset_(other.last_frame_offset_),
      buffer_(std::move(other.buffer_)),
      capacity_(std::exchange(other.capacity_, 0)),
      size_(std::exchange(other.size_, 0)),
      consumed_(std::exchange(other.consumed_, 0)) {}

SegmentReader& SegmentReader::operator=(SegmentReader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    file_ = std::move(other.file_);
    fd_ = std::exchange(other.fd_, -1);
    chunk_bytes_ = other.chunk_bytes_;
    offset_ = other.offset_;
    last_frame_offset_ = other.last_frame_offset_;
    buffer_ = std::move(other.buffer_);
    capacity_ = std::exchange(other.capacity_, 0);
    size_ = std::exchange(other.size_, 0);
    consumed_ = std::exchange(other.consumed_, 0);
  }
  return *this;
}

Result<SegmentReader> SegmentReader::open(const std::filesystem::path& file,
                                          std::size_t chunk_bytes) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return make_error(errno == ENOENT ? ErrorCode::not_found : ErrorCode::internal,
                      "journal: cannot open " + file.string() + ": " + std::strerror(errno));
  }
  return SegmentReader(file, fd, chunk_bytes);
}

FrameStatus SegmentReader::next(JournalEntry& entry) {
  for (;;) {
    const std::string_view available(buffer_.get() + consumed_, size_ - consumed_);
    const DecodedFrame frame = decode_journal_entry(available, entry);
    if (frame.status == FrameStatus::complete) {
      last_frame_offset_ = offset_;
      consumed_ += frame.size;
      offset_ += frame.size;
      return FrameStatus::complete;
    }
    if (frame.status == FrameStatus::corrupt) return FrameStatus::corrupt;
    // Incomplete in the buffer: read the whole frame (its header tells its
    // size) or the next chunk, from the frame's start.
    std::size_t want = chunk_bytes_;
    if (available.size() >= kJournalFrameHeaderBytes) {
      want = std::max(want, kJournalFrameHeaderBytes + body_size_in_header(available));
    }
    if (!refill(want)) {
      forget_buffer();
      return FrameStatus::incomplete;
    }
  }
}

bool SegmentReader::refill(std::size_t want) {
  const std::size_t had = size_ - consumed_;
  // Grown for a frame larger than a chunk, shrunk back after it.
  if (want > capacity_ || (capacity_ > chunk_bytes_ && want <= chunk_bytes_)) {
    buffer_ = std::make_unique_for_overwrite<char[]>(want);
    capacity_ = want;
  }
  consumed_ = 0;
  size_ = 0;
  while (size_ < want) {
    const ssize_t n =
        ::pread(fd_, buffer_.get() + size_, want - size_, static_cast<off_t>(offset_ + size_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the end of the file (or an error: tried again later)
    size_ += static_cast<std::size_t>(n);
  }
  return size_ > had;
}

void SegmentReader::unread_last() {
  offset_ = last_frame_offset_;
  forget_buffer();
}

void SegmentReader::forget_buffer() {
  size_ = 0;
  consumed_ = 0;
}

std::uint64_t SegmentReader::file_size() const {
  struct stat status {};
  if (::fstat(fd_, &status) != 0) return 0;
  return static_cast<std::uint64_t>(status.st_size);
}

}  // namespace edgehub::hub

#include "journal/file_commit_attempts.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

namespace edgehub::hub {
namespace {

constexpr std::size_t kBodyBytes = 20;
constexpr std::size_t kRecordBytes = kBodyBytes + 4;
using RecordBytes = std::array<unsigned char, kRecordBytes>;

void put(unsigned char* at, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i) at[i] = static_cast<unsigned char>(value >> (8 * i));
}

std::uint64_t get(const unsigned char* at, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i) value |= static_cast<std::uint64_t>(at[i]) << (8 * i);
  return value;
}

std::uint32_t checksum(const unsigned char* body) {
  return static_cast<std::uint32_t>(crc32(0L, body, static_cast<uInt>(kBodyBytes)));
}

RecordBytes encode(const CommitAttempt& attempt) {
  RecordBytes bytes{};
  put(bytes.data(), attempt.first, 8);
  put(bytes.data() + 8, attempt.last, 8);
  put(bytes.data() + 16, attempt.attempt, 4);
  put(bytes.data() + kBodyBytes, checksum(bytes.data()), 4);
  return bytes;
}

CommitAttempt decode(const RecordBytes& bytes) {
  if (get(bytes.data() + kBodyBytes, 4) != checksum(bytes.data())) return {};
  CommitAttempt attempt{get(bytes.data(), 8), get(bytes.data() + 8, 8),
                        static_cast<std::uint32_t>(get(bytes.data() + 16, 4))};
  if (attempt.first > attempt.last) return {};
  return attempt;
}

Error io_error(const std::string& what, int error_number) {
  return make_error(ErrorCode::internal, "journal: " + what + ": " + std::strerror(error_number));
}

}  // namespace

Result<std::unique_ptr<FileCommitAttempts>> FileCommitAttempts::open(
    const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot open " + file.string(), errno);
  RecordBytes bytes{};
  CommitAttempt previous;
  if (::pread(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size())) {
    previous = decode(bytes);
  }
  return std::unique_ptr<FileCommitAttempts>(new FileCommitAttempts(fd, previous));
}

FileCommitAttempts::~FileCommitAttempts() {
  if (fd_ >= 0) ::close(fd_);
}

Status FileCommitAttempts::record(const CommitAttempt& attempt) {
  const RecordBytes bytes = encode(attempt);
  for (;;) {
    const ssize_t written = ::pwrite(fd_, bytes.data(), bytes.size(), 0);
    if (written == static_cast<ssize_t>(bytes.size())) return ok_status();
    if (written < 0 && errno == EINTR) continue;
    return io_error("cannot record the commit in progress", written < 0 ? errno : ENOSPC);
  }
}

}  // namespace edgehub::hub

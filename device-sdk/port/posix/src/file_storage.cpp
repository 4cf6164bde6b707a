#include "edgehub/device/posix/file_storage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace edgehub::device::posix {

FileStorage::~FileStorage() { close(); }

Status FileStorage::open(const std::string& path, std::size_t capacity, bool durable) {
  close();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    last_error_ = "cannot open " + path + ": " + std::strerror(errno);
    return Status::storage_failed;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || (static_cast<std::size_t>(info.st_size) < capacity &&
                                  ::ftruncate(fd, static_cast<off_t>(capacity)) != 0)) {
    last_error_ = "cannot size " + path + ": " + std::strerror(errno);
    ::close(fd);
    return Status::storage_failed;
  }
  fd_ = fd;
  capacity_ = capacity;
  durable_ = durable;
  last_error_.clear();
  return Status::ok;
}

void FileStorage::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  capacity_ = 0;
}

Storage FileStorage::storage() noexcept {
  Storage storage;
  storage.context = this;
  storage.capacity = fd_ >= 0 ? capacity_ : 0;
  storage.read = &FileStorage::read;
  storage.write = &FileStorage::write;
  return storage;
}

bool FileStorage::read(void* context, std::size_t offset, std::uint8_t* data,
                       std::size_t length) noexcept {
  auto* self = static_cast<FileStorage*>(context);
  while (length > 0) {
    const ssize_t got = ::pread(self->fd_, data, length, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    data += got;
    offset += static_cast<std::size_t>(got);
    length -= static_cast<std::size_t>(got);
  }
  return true;
}

bool FileStorage::write(void* context, std::size_t offset, const std::uint8_t* data,
                        std::size_t length) noexcept {
  auto* self = static_cast<FileStorage*>(context);
  while (length > 0) {
    const ssize_t put = ::pwrite(self->fd_, data, length, static_cast<off_t>(offset));
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    data += put;
    offset += static_cast<std::size_t>(put);
    length -= static_cast<std::size_t>(put);
  }
  return !self->durable_ || ::fdatasync(self->fd_) == 0;
}

}  // namespace edgehub::device::posix

// A Storage backed by a file: the POSIX port's persistent offline buffer.
// The file is created (or grown) to the requested capacity; what a previous
// run wrote is kept, so an OfflineBuffer opened over it finds its messages
// again after a restart. With `durable` every write is followed by
// fdatasync(), so that the messages also survive a power cut.
#pragma once

#include <cstddef>
#include <string>

#include "edgehub/device/status.h"
#include "edgehub/device/storage.h"

namespace edgehub::device::posix {

class FileStorage {
 public:
  FileStorage() = default;
  ~FileStorage();
  FileStorage(const FileStorage&) = delete;
  FileStorage& operator=(const FileStorage&) = delete;

  // ok, or storage_failed (last_error() says why).
  Status open(const std::string& path, std::size_t capacity, bool durable = true);
  void close() noexcept;

  // Valid while this object is open and not moved.
  Storage storage() noexcept;
  const std::string& last_error() const noexcept { return last_error_; }

 private:
  static bool read(void* context, std::size_t offset, std::uint8_t* data,
                   std::size_t length) noexcept;
  static bool write(void* context, std::size_t offset, const std::uint8_t* data,
                    std::size_t length) noexcept;

  int fd_ = -1;
  std::size_t capacity_ = 0;
  bool durable_ = true;
  std::string last_error_;
};

}  // namespace edgehub::device::posix

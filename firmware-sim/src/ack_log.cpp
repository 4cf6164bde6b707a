#include "ack_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace edgehub::sim {

AckLog::AckLog(const std::string& path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open ack log " + path + ": " + std::strerror(errno));
  }
}

AckLog::~AckLog() {
  if (fd_ >= 0) ::close(fd_);
}

bool AckLog::record(const std::string& device_id, std::uint64_t seq) noexcept {
  char line[128];
  const int length = std::snprintf(line, sizeof(line), "%s %llu\n", device_id.c_str(),
                                   static_cast<unsigned long long>(seq));
  if (length <= 0 || static_cast<std::size_t>(length) >= sizeof(line)) return false;
  return ::write(fd_, line, static_cast<std::size_t>(length)) == length;
}

}  // namespace edgehub::sim

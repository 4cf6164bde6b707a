// --ack-log: one line "<device-id> <seq>\n" per telemetry message the broker
// acknowledged. Each line is one write() to a file opened with O_APPEND, so
// lines from several threads never interleave and nothing waits in a
// user-space buffer when the process is killed.
#pragma once

#include <cstdint>
#include <string>

namespace edgehub::sim {

class AckLog {
 public:
  // Throws std::runtime_error if the file cannot be opened.
  explicit AckLog(const std::string& path);
  ~AckLog();
  AckLog(const AckLog&) = delete;
  AckLog& operator=(const AckLog&) = delete;

  // false if the write failed (the caller counts it as an error).
  bool record(const std::string& device_id, std::uint64_t seq) noexcept;

 private:
  int fd_ = -1;
};

}  // namespace edgehub::sim

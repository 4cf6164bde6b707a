#include "hubd/receive_guard.h"

#include <spdlog/spdlog.h>
#include <zlib.h>

#include <algorithm>

namespace edgehub::hub {
namespace {

std::uint32_t crc(std::uint32_t seed, std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32(seed, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

std::uint64_t fingerprint(std::string_view topic, std::string_view payload) {
  const std::uint32_t checksum = crc(crc(crc(0, topic), std::string_view("\0", 1)), payload);
  const std::uint64_t length = topic.size() + payload.size();
  return (static_cast<std::uint64_t>(checksum) << 32) | (length & 0xffffffffu);
}

}  // namespace

ReceiveGuard::ReceiveGuard(CommitAttempts& notes, std::uint32_t max_attempts)
    : notes_(notes),
      max_attempts_(std::max<std::uint32_t>(max_attempts, 1)),
      current_(notes.at_open()) {}

std::uint32_t ReceiveGuard::begin(std::string_view topic, std::string_view payload) {
  const std::uint64_t id = fingerprint(topic, payload);
  const std::uint32_t attempt = current_.holds(id) ? current_.attempt + 1 : 1;
  note(CommitAttempt{id, id, attempt});
  return attempt;
}

void ReceiveGuard::end() { note(CommitAttempt{}); }

void ReceiveGuard::note(const CommitAttempt& attempt) {
  current_ = attempt;
  // Without the note only the guard is lost for this message, never the message.
  if (Status noted = notes_.record(attempt); !noted) {
    spdlog::warn("receive guard: {}", noted.error().message);
  }
}

}  // namespace edgehub::hub

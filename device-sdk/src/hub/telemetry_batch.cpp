#include "edgehub/device/hub/telemetry_batch.h"

#include <cstring>

#include "edgehub/device/hub/telemetry.h"

namespace edgehub::device::hub {
namespace {

constexpr std::string_view kOpen = "{\"batch\":[";
constexpr std::string_view kClose = "]}";

}  // namespace

TelemetryBatch::TelemetryBatch(char* buffer, std::size_t capacity) noexcept
    : buffer_(buffer), capacity_(buffer == nullptr ? 0 : capacity) {}

void TelemetryBatch::clear() noexcept {
  length_ = 0;
  count_ = 0;
}

Status TelemetryBatch::add(std::uint64_t seq, std::uint64_t timestamp_ms,
                           std::string_view data_json) noexcept {
  if (count_ > 0 && seq <= last_seq_) return Status::bad_parameter;
  // Before the reading: the opening (first reading) or a comma.
  const std::string_view before = count_ == 0 ? kOpen : std::string_view(",");
  if (capacity_ < length_ + before.size() + kClose.size()) return Status::buffer_too_small;
  char* at = buffer_ + length_ + before.size();
  std::size_t element = 0;
  const Status status =
      build_telemetry(seq, timestamp_ms, data_json, at,
                      capacity_ - length_ - before.size() - kClose.size(), &element);
  if (status != Status::ok) return status;
  std::memcpy(buffer_ + length_, before.data(), before.size());
  length_ += before.size() + element;
  ++count_;
  last_seq_ = seq;
  return Status::ok;
}

Status TelemetryBatch::finish(std::string_view* envelope) noexcept {
  if (envelope == nullptr) return Status::bad_parameter;
  if (count_ == 0) return Status::not_found;
  std::memcpy(buffer_ + length_, kClose.data(), kClose.size());  // room kept by add()
  *envelope = std::string_view(buffer_, length_ + kClose.size());
  return Status::ok;
}

}  // namespace edgehub::device::hub

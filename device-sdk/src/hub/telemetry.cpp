#include "edgehub/device/hub/telemetry.h"

#include "edgehub/device/hub/json_scanner.h"
#include "hub/text_writer.h"

namespace edgehub::device::hub {

Status build_telemetry(std::uint64_t seq, std::uint64_t timestamp_ms, std::string_view data_json,
                       char* buffer, std::size_t capacity, std::size_t* length) noexcept {
  if (length == nullptr) return Status::bad_parameter;
  if (json::validate(data_json) != Status::ok) return Status::bad_parameter;
  detail::TextWriter writer(buffer, capacity);
  writer.text("{\"seq\":");
  writer.number(seq);
  if (timestamp_ms != kNoTimestamp) {
    writer.text(",\"ts\":");
    writer.number(timestamp_ms);
  }
  writer.text(",\"data\":");
  writer.text(data_json);
  writer.text("}");
  if (writer.overflowed()) return Status::buffer_too_small;
  *length = writer.length();
  return Status::ok;
}

}  // namespace edgehub::device::hub

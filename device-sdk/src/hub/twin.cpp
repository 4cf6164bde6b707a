#include "edgehub/device/hub/twin.h"

#include "edgehub/device/hub/json_scanner.h"
#include "hub/text_writer.h"

namespace edgehub::device::hub {

Status parse_desired(std::string_view message, DesiredDocument* document) noexcept {
  if (document == nullptr) return Status::bad_parameter;
  *document = DesiredDocument{};
  enum Field : unsigned { version, desired, patch, field_count };
  static constexpr std::string_view kFieldNames[field_count] = {"version", "desired", "patch"};
  std::string_view values[field_count];
  // A value inside valid JSON that starts with '{' is an object.
  if (json::read_members(message, kFieldNames, field_count, values) != Status::ok ||
      json::read_uint64(values[version], &document->version) != Status::ok ||
      document->version == 0 || values[desired].empty() || values[desired].front() != '{') {
    document->version = 0;
    return Status::malformed;
  }
  document->desired = values[desired];
  document->patch = values[patch].empty() ? "null" : values[patch];
  return Status::ok;
}

Status build_reported(std::uint64_t version, std::string_view reported_json,
                      std::uint64_t desired_version, char* buffer, std::size_t capacity,
                      std::size_t* length) noexcept {
  if (length == nullptr || version == 0 || !json::is_object(reported_json)) {
    return Status::bad_parameter;
  }
  detail::TextWriter writer(buffer, capacity);
  writer.text("{\"version\":");
  writer.number(version);
  writer.text(",\"reported\":");
  writer.text(reported_json);
  if (desired_version != kNoDesiredVersion) {
    writer.text(",\"desired_version\":");
    writer.number(desired_version);
  }
  writer.text("}");
  if (writer.overflowed()) return Status::buffer_too_small;
  *length = writer.length();
  return Status::ok;
}

}  // namespace edgehub::device::hub

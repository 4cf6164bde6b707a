#include "edgehub/device/hub/flow.h"

#include <cstring>

#include "edgehub/device/hub/json_scanner.h"

namespace edgehub::device::hub {
namespace {

// a == b with one memcmp: smaller than string_view's operator==, which goes
// through compare().
bool same(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Status parse_flow(std::string_view message, FlowNotice* notice) noexcept {
  if (notice == nullptr) return Status::bad_parameter;
  *notice = FlowNotice{};
  enum Field : unsigned { state, first_refused_seq, retry_after_ms, field_count };
  static constexpr std::string_view kFieldNames[field_count] = {"state", "first_refused_seq",
                                                                "retry_after_ms"};
  std::string_view values[field_count];
  if (json::read_members(message, kFieldNames, field_count, values) != Status::ok) {
    return Status::malformed;
  }
  // Numbers are optional; present, they must be unsigned integers.
  std::uint64_t numbers[2] = {};
  for (unsigned i = 0; i < 2; ++i) {
    const std::string_view value = values[first_refused_seq + i];
    if (!value.empty() && json::read_uint64(value, &numbers[i]) != Status::ok) {
      return Status::malformed;
    }
  }
  if (numbers[1] > UINT32_MAX) return Status::malformed;
  notice->first_refused_seq = numbers[0];
  notice->retry_after_ms = static_cast<std::uint32_t>(numbers[1]);
  // The states are plain words: no escapes to decode.
  if (same(values[state], "\"paused\"")) {
    notice->state = FlowState::paused;
  } else if (!same(values[state], "\"resumed\"")) {
    return Status::malformed;
  }
  return Status::ok;
}

}  // namespace edgehub::device::hub

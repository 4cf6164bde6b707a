#include "streams/new_record_validation.h"

#include <string>

#include "edgehub/protocol/topics.h"

namespace edgehub::hub {
namespace {

constexpr const char* kNameRule =
    "expected 1-64 characters of [A-Za-z0-9._-], not starting with '.' or '-'";
// Ten years: larger ages are "keep forever" in disguise, and this keeps
// now_ms - max_age_ms far from overflow.
constexpr std::int64_t kMaxAgeLimitMs = 10LL * 366 * 24 * 3600 * 1000;

}  // namespace

bool is_valid_stream_name(std::string_view name) noexcept {
  return protocol::is_valid_device_id(name);
}

Status validate_stream_name(std::string_view stream) {
  if (is_valid_stream_name(stream)) return ok_status();
  return make_error(ErrorCode::invalid_argument,
                    "invalid stream name '" + std::string(stream) + "': " + kNameRule);
}

Status validate_group_name(std::string_view group) {
  if (protocol::is_valid_device_id(group)) return ok_status();
  return make_error(ErrorCode::invalid_argument,
                    "invalid consumer group name '" + std::string(group) + "': " + kNameRule);
}

Status validate_cursor_name(std::string_view name) {
  if (protocol::is_valid_device_id(name)) return ok_status();
  return make_error(ErrorCode::invalid_argument,
                    "invalid export name '" + std::string(name) + "': " + kNameRule);
}

Status validate_new_record(const NewRecord& record) {
  if (Status name = validate_stream_name(record.stream); !name) return name;
  if (record.payload.size() > kMaxStoredPayloadBytes) {
    return make_error(ErrorCode::too_large, "payload of " + std::to_string(record.payload.size()) +
                                                " bytes is over the stream store's limit of " +
                                                std::to_string(kMaxStoredPayloadBytes));
  }
  return ok_status();
}

Status validate_retention_policy(const RetentionPolicy& policy) {
  if (policy.max_age_ms && (*policy.max_age_ms <= 0 || *policy.max_age_ms > kMaxAgeLimitMs)) {
    return make_error(ErrorCode::invalid_argument,
                      "max_age_ms must be 1-" + std::to_string(kMaxAgeLimitMs));
  }
  if (policy.max_bytes && *policy.max_bytes == 0) {
    return make_error(ErrorCode::invalid_argument, "max_bytes must be at least 1");
  }
  if (policy.max_records && *policy.max_records == 0) {
    return make_error(ErrorCode::invalid_argument, "max_records must be at least 1");
  }
  return ok_status();
}

bool exceeds_limits(const RetentionPolicy& policy, std::uint64_t records, std::uint64_t bytes) {
  return (policy.max_records && records > *policy.max_records) ||
         (policy.max_bytes && bytes > *policy.max_bytes);
}

}  // namespace edgehub::hub

#include "streams/new_record_validation.h"

#include <string>

#include "edgehub/protocol/topics.h"

namespace edgehub::hub {

bool is_valid_stream_name(std::string_view name) noexcept {
  return protocol::is_valid_device_id(name);
}

Status validate_new_record(const NewRecord& record) {
  if (!is_valid_stream_name(record.stream)) {
    return make_error(ErrorCode::invalid_argument,
                      "invalid stream name '" + record.stream +
                          "': expected 1-64 characters of [A-Za-z0-9._-], not starting with '.' "
                          "or '-'");
  }
  if (record.payload.size() > kMaxStoredPayloadBytes) {
    return make_error(ErrorCode::too_large, "payload of " + std::to_string(record.payload.size()) +
                                                " bytes is over the stream store's limit of " +
                                                std::to_string(kMaxStoredPayloadBytes));
  }
  return ok_status();
}

}  // namespace edgehub::hub

#include "twins/twin_limits.h"

#include <string>

#include "edgehub/protocol/json_limits.h"

namespace edgehub::hub {

Status check_twin_report_size(std::size_t bytes, const TwinLimits& limits) {
  if (bytes <= limits.max_report_bytes) return ok_status();
  return make_error(ErrorCode::too_large, "twin report too large: " + std::to_string(bytes) +
                                              " bytes > " +
                                              std::to_string(limits.max_report_bytes));
}

Status check_twin_document(std::string_view document_json, std::string_view what,
                           const TwinLimits& limits) {
  if (document_json.size() > limits.max_document_bytes) {
    return make_error(ErrorCode::too_large, std::string(what) + " would be " +
                                                std::to_string(document_json.size()) + " bytes > " +
                                                std::to_string(limits.max_document_bytes));
  }
  if (const std::size_t keys = protocol::json_member_count(document_json);
      keys > limits.max_document_keys) {
    return make_error(ErrorCode::too_large, std::string(what) + " would have " +
                                                std::to_string(keys) + " keys > " +
                                                std::to_string(limits.max_document_keys));
  }
  return ok_status();
}

}  // namespace edgehub::hub

#include "flow/flow_notice.h"

#include <nlohmann/json.hpp>

namespace edgehub::hub {

std::string paused_notice(std::string_view stream, std::int64_t retry_after_ms,
                          std::optional<std::uint64_t> first_refused_seq) {
  nlohmann::ordered_json notice = {
      {"state", "paused"}, {"stream", stream}, {"retry_after_ms", retry_after_ms}};
  // Absent, not null, when the refused message had no seq: the device SDK
  // (and any strict parser) reads a present field as a number.
  if (first_refused_seq) notice["first_refused_seq"] = *first_refused_seq;
  return notice.dump();
}

std::string resumed_notice(std::string_view stream) {
  return nlohmann::ordered_json{{"state", "resumed"}, {"stream", stream}}.dump();
}

}  // namespace edgehub::hub

// The payloads of devices/<id>/flow (docs/protocol.md section 3).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edgehub::hub {

// {"state":"paused","stream":"telemetry","retry_after_ms":1000,"first_refused_seq":N}
std::string paused_notice(std::string_view stream, std::int64_t retry_after_ms,
                          std::optional<std::uint64_t> first_refused_seq);
// {"state":"resumed","stream":"telemetry"}
std::string resumed_notice(std::string_view stream);

}  // namespace edgehub::hub

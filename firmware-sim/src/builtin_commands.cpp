#include "builtin_commands.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "edgehub/protocol/json_limits.h"

namespace edgehub::sim {
namespace {

CommandAnswer set_interval(std::string_view payload_json, DeviceActions& device) {
  const auto payload = protocol::check_json_depth(payload_json, protocol::kReadBackMaxJsonDepth)
                           ? nlohmann::json::parse(payload_json, nullptr, false)
                           : nlohmann::json(nlohmann::json::value_t::discarded);
  const nlohmann::json* interval = nullptr;
  if (payload.is_object() && payload.contains("interval_ms")) interval = &payload["interval_ms"];
  if (interval == nullptr || !interval->is_number_unsigned() ||
      interval->get<std::uint64_t>() < kMinIntervalMs ||
      interval->get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
    return {400, R"({"error":"payload must be {\"interval_ms\":N} with N >= 10"})"};
  }
  const auto interval_ms = interval->get<std::uint32_t>();
  device.set_interval(interval_ms);
  return {200, nlohmann::json{{"interval_ms", interval_ms}}.dump()};
}

}  // namespace

CommandAnswer execute_builtin_command(std::string_view name, std::string_view payload_json,
                                      DeviceActions& device) {
  if (name == "ping") {
    return {200, nlohmann::json{{"pong", true}, {"uptime_ms", device.uptime_ms()}}.dump()};
  }
  if (name == "set-interval") return set_interval(payload_json, device);
  return {404, R"({"error":"unknown command"})"};
}

}  // namespace edgehub::sim

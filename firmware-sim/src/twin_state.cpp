#include "twin_state.h"

#include <limits>

#include "builtin_commands.h"
#include "edgehub/protocol/json_limits.h"

namespace edgehub::sim {

std::optional<TwinApplyResult> TwinState::apply(std::uint64_t version,
                                                std::string_view desired_json) {
  // Kept, copied and compared (all recursive): nothing deeper than the hub
  // could have accepted.
  if (!protocol::check_json_depth(desired_json, protocol::kReadBackMaxJsonDepth)) {
    return std::nullopt;
  }
  auto desired = nlohmann::json::parse(desired_json, nullptr, false);
  if (!desired.is_object()) return std::nullopt;
  TwinApplyResult result;
  if (desired.contains("interval_ms")) {
    const auto& interval = desired["interval_ms"];
    if (interval.is_number_unsigned() && interval.get<std::uint64_t>() >= kMinIntervalMs &&
        interval.get<std::uint64_t>() <= std::numeric_limits<std::uint32_t>::max()) {
      const auto interval_ms = interval.get<std::uint32_t>();
      if (interval_ms != interval_ms_) result.new_interval_ms = interval_ms;
      interval_ms_ = interval_ms;
    } else {
      result.interval_refused = true;
    }
    desired.erase("interval_ms");
  }
  kept_ = std::move(desired);
  applied_version_ = version;
  return result;
}

nlohmann::json TwinState::properties() const {
  nlohmann::json properties = kept_;
  properties["interval_ms"] = interval_ms_;
  return properties;
}

std::string TwinState::report_patch() const {
  const nlohmann::json now = properties();
  if (!last_reported_) return now.dump();
  nlohmann::json patch = nlohmann::json::object();
  for (const auto& [key, value] : now.items()) {
    if (!last_reported_->contains(key) || (*last_reported_)[key] != value) patch[key] = value;
  }
  for (const auto& [key, value] : last_reported_->items()) {
    if (!now.contains(key)) patch[key] = nullptr;
  }
  return patch.dump();
}

void TwinState::mark_reported() { last_reported_ = properties(); }

}  // namespace edgehub::sim

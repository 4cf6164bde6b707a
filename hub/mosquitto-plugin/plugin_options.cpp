#include "mosquitto-plugin/plugin_options.h"

#include <charconv>

namespace edgehub::hub::mosquitto_auth {
namespace {

constexpr long kMinPollMs = 50;
constexpr long kMaxPollMs = 60000;

}  // namespace

Result<PluginOptions> parse_plugin_options(
    const std::vector<std::pair<std::string_view, std::string_view>>& options) {
  PluginOptions parsed;
  for (const auto& [key, value] : options) {
    if (key == "registry") {
      parsed.registry_path = std::string(value);
    } else if (key == "revocation_poll_ms") {
      long milliseconds = 0;
      const auto [end, error] =
          std::from_chars(value.data(), value.data() + value.size(), milliseconds);
      if (error != std::errc{} || end != value.data() + value.size() || milliseconds < kMinPollMs ||
          milliseconds > kMaxPollMs) {
        return make_error(ErrorCode::invalid_argument,
                          "plugin_opt_revocation_poll_ms must be an integer from " +
                              std::to_string(kMinPollMs) + " to " + std::to_string(kMaxPollMs) +
                              ", got '" + std::string(value) + "'");
      }
      parsed.revocation_poll_interval = std::chrono::milliseconds(milliseconds);
    } else {
      return make_error(ErrorCode::invalid_argument,
                        "unknown option plugin_opt_" + std::string(key) +
                            " (known: plugin_opt_registry, plugin_opt_revocation_poll_ms)");
    }
  }
  if (parsed.registry_path.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "plugin_opt_registry <path to hubd's registry.db> is required");
  }
  return parsed;
}

}  // namespace edgehub::hub::mosquitto_auth

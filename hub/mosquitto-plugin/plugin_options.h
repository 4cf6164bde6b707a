// The plugin's settings from mosquitto.conf (plugin_opt_<key> <value>).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edgehub/common/result.h"

namespace edgehub::hub::mosquitto_auth {

inline constexpr std::chrono::milliseconds kDefaultRevocationPollInterval{500};

struct PluginOptions {
  std::string registry_path;  // plugin_opt_registry (required)
  // plugin_opt_revocation_poll_ms (optional, 50..60000)
  std::chrono::milliseconds revocation_poll_interval = kDefaultRevocationPollInterval;
};

// Keys without the "plugin_opt_" prefix, as the broker hands them over.
// invalid_argument naming the option for a missing registry, an unknown key
// (a typo must not silently weaken the broker) or a bad value.
Result<PluginOptions> parse_plugin_options(
    const std::vector<std::pair<std::string_view, std::string_view>>& options);

}  // namespace edgehub::hub::mosquitto_auth

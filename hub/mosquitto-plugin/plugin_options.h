// The plugin's settings from mosquitto.conf (plugin_opt_<key> <value>).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edgehub/common/result.h"
#include "mosquitto-plugin/device_limit.h"
#include "mosquitto-plugin/journal_flow_notices.h"

namespace edgehub::hub::mosquitto_auth {

inline constexpr std::chrono::milliseconds kDefaultRevocationPollInterval{500};
inline constexpr std::chrono::seconds kDefaultConnectTimeout{10};
inline constexpr std::uint64_t kDefaultJournalMaxBytes = 1ull << 30;
inline constexpr std::chrono::milliseconds kDefaultJournalSyncPeriod{10};

struct PluginOptions {
  std::string registry_path;  // plugin_opt_registry (required)
  // plugin_opt_revocation_poll_ms (optional, 50..60000)
  std::chrono::milliseconds revocation_poll_interval = kDefaultRevocationPollInterval;
  // plugin_opt_max_messages_per_second, _message_burst, _max_bytes_per_second,
  // _byte_burst, _max_connects_per_minute (0 = unlimited), _refuse_retained
  // (true/false).
  DeviceLimitSettings device_limits;
  // plugin_opt_connect_timeout_seconds: TLS handshake + CONNECT (0 = none).
  std::chrono::seconds connect_timeout = kDefaultConnectTimeout;
  // plugin_opt_journal_dir: where device telemetry is journaled before the
  // PUBACK (hub/journal/broker_journal_writer.h); empty: not journaled.
  std::string journal_dir;
  // plugin_opt_journal_max_bytes: the journal's disk budget (1 MiB .. 1 PiB).
  std::uint64_t journal_max_bytes = kDefaultJournalMaxBytes;
  // plugin_opt_journal_sync_ms: fdatasync period (0 = never; 0..10000).
  std::chrono::milliseconds journal_sync_period = kDefaultJournalSyncPeriod;
  // plugin_opt_journal_retry_after_ms: retry_after_ms of the "paused" flow
  // notice a device gets when the journal refuses its telemetry (100..600000).
  std::chrono::milliseconds journal_retry_after = kDefaultJournalRetryAfter;
};

// Keys without the "plugin_opt_" prefix, as the broker hands them over.
// invalid_argument naming the option for a missing registry, an unknown key
// (a typo must not silently weaken the broker) or a bad value.
Result<PluginOptions> parse_plugin_options(
    const std::vector<std::pair<std::string_view, std::string_view>>& options);

}  // namespace edgehub::hub::mosquitto_auth

#include "mosquitto-plugin/plugin_options.h"

#include <charconv>

namespace edgehub::hub::mosquitto_auth {
namespace {

constexpr long kMinPollMs = 50;
constexpr long kMaxPollMs = 60000;
constexpr long long kMaxLimit = 1LL << 40;  // far beyond any real rate, still exact in a double
constexpr long long kMaxConnectTimeoutSeconds = 3600;

constexpr const char* kKnown =
    "plugin_opt_registry, plugin_opt_revocation_poll_ms, plugin_opt_max_messages_per_second, "
    "plugin_opt_message_burst, plugin_opt_max_bytes_per_second, plugin_opt_byte_burst, "
    "plugin_opt_max_connects_per_minute, plugin_opt_refuse_retained, "
    "plugin_opt_connect_timeout_seconds, plugin_opt_journal_dir, plugin_opt_journal_max_bytes, "
    "plugin_opt_journal_sync_ms, plugin_opt_journal_retry_after_ms";
constexpr long long kMinJournalBytes = 1LL << 20;
constexpr long long kMaxJournalBytes = 1LL << 50;
constexpr long long kMaxJournalSyncMs = 10000;
constexpr long long kMinJournalRetryAfterMs = 100;
constexpr long long kMaxJournalRetryAfterMs = 600000;

Result<long long> integer(std::string_view key, std::string_view value, long long min,
                          long long max) {
  long long parsed = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error != std::errc{} || end != value.data() + value.size() || value.empty() || parsed < min ||
      parsed > max) {
    return make_error(ErrorCode::invalid_argument,
                      "plugin_opt_" + std::string(key) + " must be an integer from " +
                          std::to_string(min) + " to " + std::to_string(max) + ", got '" +
                          std::string(value) + "'");
  }
  return parsed;
}

// The limit settings: every one a non-negative integer.
double* limit_setting(DeviceLimitSettings& limits, std::string_view key) {
  if (key == "max_messages_per_second") return &limits.messages_per_second;
  if (key == "message_burst") return &limits.message_burst;
  if (key == "max_bytes_per_second") return &limits.bytes_per_second;
  if (key == "byte_burst") return &limits.byte_burst;
  if (key == "max_connects_per_minute") return &limits.connects_per_minute;
  return nullptr;
}

}  // namespace

Result<PluginOptions> parse_plugin_options(
    const std::vector<std::pair<std::string_view, std::string_view>>& options) {
  PluginOptions parsed;
  for (const auto& [key, value] : options) {
    if (key == "registry") {
      parsed.registry_path = std::string(value);
    } else if (key == "revocation_poll_ms") {
      auto milliseconds = integer(key, value, kMinPollMs, kMaxPollMs);
      if (!milliseconds) return milliseconds.error();
      parsed.revocation_poll_interval = std::chrono::milliseconds(*milliseconds);
    } else if (double* setting = limit_setting(parsed.device_limits, key)) {
      auto limit = integer(key, value, 0, kMaxLimit);
      if (!limit) return limit.error();
      *setting = static_cast<double>(*limit);
    } else if (key == "refuse_retained") {
      if (value != "true" && value != "false") {
        return make_error(
            ErrorCode::invalid_argument,
            "plugin_opt_refuse_retained must be true or false, got '" + std::string(value) + "'");
      }
      parsed.device_limits.refuse_retained = value == "true";
    } else if (key == "connect_timeout_seconds") {
      auto seconds = integer(key, value, 0, kMaxConnectTimeoutSeconds);
      if (!seconds) return seconds.error();
      parsed.connect_timeout = std::chrono::seconds(*seconds);
    } else if (key == "journal_dir") {
      if (value.empty() || value.front() != '/') {
        return make_error(
            ErrorCode::invalid_argument,
            "plugin_opt_journal_dir must be an absolute path, got '" + std::string(value) + "'");
      }
      parsed.journal_dir = std::string(value);
    } else if (key == "journal_max_bytes") {
      auto bytes = integer(key, value, kMinJournalBytes, kMaxJournalBytes);
      if (!bytes) return bytes.error();
      parsed.journal_max_bytes = static_cast<std::uint64_t>(*bytes);
    } else if (key == "journal_sync_ms") {
      auto milliseconds = integer(key, value, 0, kMaxJournalSyncMs);
      if (!milliseconds) return milliseconds.error();
      parsed.journal_sync_period = std::chrono::milliseconds(*milliseconds);
    } else if (key == "journal_retry_after_ms") {
      auto milliseconds = integer(key, value, kMinJournalRetryAfterMs, kMaxJournalRetryAfterMs);
      if (!milliseconds) return milliseconds.error();
      parsed.journal_retry_after = std::chrono::milliseconds(*milliseconds);
    } else {
      return make_error(
          ErrorCode::invalid_argument,
          "unknown option plugin_opt_" + std::string(key) + " (known: " + kKnown + ")");
    }
  }
  if (parsed.registry_path.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "plugin_opt_registry <path to hubd's registry.db> is required");
  }
  return parsed;
}

}  // namespace edgehub::hub::mosquitto_auth

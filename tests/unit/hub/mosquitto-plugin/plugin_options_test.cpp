#include "mosquitto-plugin/plugin_options.h"

#include <doctest/doctest.h>

using namespace edgehub::hub::mosquitto_auth;
using Options = std::vector<std::pair<std::string_view, std::string_view>>;

TEST_CASE("the registry path is taken from plugin_opt_registry with the default poll interval") {
  const auto options = parse_plugin_options(Options{{"registry", "/var/lib/hub/registry.db"}});
  REQUIRE(options.ok());
  CHECK(options->registry_path == "/var/lib/hub/registry.db");
  CHECK(options->revocation_poll_interval == kDefaultRevocationPollInterval);
}

TEST_CASE("the plugin refuses to load without plugin_opt_registry") {
  for (const Options& options : {Options{}, Options{{"registry", ""}}}) {
    const auto parsed = parse_plugin_options(options);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message.find("plugin_opt_registry") != std::string::npos);
  }
}

TEST_CASE("the revocation poll interval can be set within bounds") {
  const auto options =
      parse_plugin_options(Options{{"registry", "r.db"}, {"revocation_poll_ms", "200"}});
  REQUIRE(options.ok());
  CHECK(options->revocation_poll_interval == std::chrono::milliseconds(200));
  for (const char* bad : {"0", "49", "60001", "abc", "200ms", ""}) {
    CAPTURE(bad);
    const auto parsed =
        parse_plugin_options(Options{{"registry", "r.db"}, {"revocation_poll_ms", bad}});
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message.find("plugin_opt_revocation_poll_ms") != std::string::npos);
  }
}

TEST_CASE("a misspelt option refuses the load instead of being ignored") {
  const auto parsed = parse_plugin_options(Options{{"registry", "r.db"}, {"regsitry", "x"}});
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().message.find("unknown option plugin_opt_regsitry") != std::string::npos);
}

TEST_CASE("the device limits default to what a normal device never reaches and can be set") {
  const auto defaults = parse_plugin_options(Options{{"registry", "r.db"}});
  REQUIRE(defaults.ok());
  CHECK(defaults->device_limits.messages_per_second == 200);
  CHECK(defaults->device_limits.message_burst == 2000);
  CHECK(defaults->device_limits.bytes_per_second == 1024 * 1024);
  CHECK(defaults->device_limits.byte_burst == 8 * 1024 * 1024);
  CHECK(defaults->device_limits.connects_per_minute == 30);
  CHECK(defaults->device_limits.refuse_retained);
  CHECK(defaults->connect_timeout == std::chrono::seconds(10));

  const auto set = parse_plugin_options(Options{{"registry", "r.db"},
                                                {"max_messages_per_second", "0"},
                                                {"message_burst", "5"},
                                                {"max_bytes_per_second", "100"},
                                                {"byte_burst", "1000"},
                                                {"max_connects_per_minute", "2"},
                                                {"refuse_retained", "false"},
                                                {"connect_timeout_seconds", "3"}});
  REQUIRE(set.ok());
  CHECK(set->device_limits.messages_per_second == 0);
  CHECK(set->device_limits.message_burst == 5);
  CHECK(set->device_limits.bytes_per_second == 100);
  CHECK(set->device_limits.byte_burst == 1000);
  CHECK(set->device_limits.connects_per_minute == 2);
  CHECK_FALSE(set->device_limits.refuse_retained);
  CHECK(set->connect_timeout == std::chrono::seconds(3));
}

TEST_CASE("a bad limit value refuses the load, naming the option") {
  for (const auto& [key, value] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"max_messages_per_second", "-1"},
           {"message_burst", "1.5"},
           {"max_bytes_per_second", ""},
           {"max_connects_per_minute", "many"},
           {"refuse_retained", "yes"},
           {"connect_timeout_seconds", "3601"}}) {
    CAPTURE(key);
    const auto parsed = parse_plugin_options(Options{{"registry", "r.db"}, {key, value}});
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message.find("plugin_opt_" + std::string(key)) != std::string::npos);
  }
}

TEST_CASE(
    "the broker journal is off unless a directory is given; its budget and sync are bounded") {
  auto plain = parse_plugin_options({{"registry", "/r.db"}});
  REQUIRE(plain.ok());
  CHECK(plain->journal_dir.empty());
  CHECK(plain->journal_max_bytes == kDefaultJournalMaxBytes);
  CHECK(plain->journal_sync_period == kDefaultJournalSyncPeriod);
  CHECK(plain->journal_retry_after == kDefaultJournalRetryAfter);

  auto set = parse_plugin_options({{"registry", "/r.db"},
                                   {"journal_dir", "/data/journal/broker"},
                                   {"journal_max_bytes", "2097152"},
                                   {"journal_sync_ms", "0"},
                                   {"journal_retry_after_ms", "250"}});
  REQUIRE(set.ok());
  CHECK(set->journal_dir == "/data/journal/broker");
  CHECK(set->journal_max_bytes == 2097152);
  CHECK(set->journal_sync_period.count() == 0);
  CHECK(set->journal_retry_after.count() == 250);

  for (const auto& [key, value] : std::vector<std::pair<std::string_view, std::string_view>>{
           {"journal_dir", "relative/dir"},
           {"journal_max_bytes", "1000"},
           {"journal_sync_ms", "20000"},
           {"journal_retry_after_ms", "99"},
           {"journal_retry_after_ms", "600001"}}) {
    auto refused = parse_plugin_options({{"registry", "/r.db"}, {key, value}});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.find(std::string("plugin_opt_") + std::string(key)) !=
          std::string::npos);
  }
}

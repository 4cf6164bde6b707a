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

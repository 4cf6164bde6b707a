#include "hubd/hubd_options.h"

#include <doctest/doctest.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <vector>

#include "edgehub/test/temp_directory.h"

using namespace edgehub::hub;

namespace {

HubdOptions parse(std::vector<std::string> arguments) {
  CLI::App app;
  HubdOptions options;
  add_hubd_options(app, options);
  std::vector<const char*> argv = {"hubd"};
  for (const auto& argument : arguments) argv.push_back(argument.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return options;
}

}  // namespace

TEST_CASE("--site-id takes the device id alphabet; absent, the stored one is used") {
  CHECK(parse({}).site_id.empty());
  CHECK(parse({"--site-id", "plant-7.line_2"}).site_id == "plant-7.line_2");
  CHECK_THROWS_AS(parse({"--site-id", "plant/7"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--site-id", "-x"}), CLI::ParseError);
}

TEST_CASE("defaults: loopback, standard ports, supervised broker") {
  const HubdOptions options = parse({});
  CHECK(options.data_dir == "./hub-data");
  CHECK(options.mqtt_binds == std::vector<std::string>{"127.0.0.1"});
  CHECK(options.server_names.empty());
  CHECK(options.mqtt_port == 8883);
  CHECK(options.http_binds == std::vector<std::string>{"127.0.0.1"});
  CHECK_FALSE(options.http_plain);
  CHECK(options.http_port == 8080);
  CHECK(options.broker == BrokerMode::supervise);
  CHECK(options.max_payload_bytes == 262144);
  CHECK(options.broker_max_queued == 100000);
  CHECK(options.broker_max_inflight == 1000);
  CHECK(options.log_level == "info");
  CHECK(options.log_format == "text");
  CHECK(options.mosquitto == default_mosquitto_executable());
  CHECK(options.plugin.filename() == "libedgehub_mosquitto_auth.so");
  CHECK(options.plugin.parent_path().filename() == "lib");
}

TEST_CASE("options on the command line") {
  const HubdOptions options =
      parse({"--data-dir", "/srv/hub", "--mqtt-port", "18883", "--http-port", "0", "--broker",
             "external", "--broker-host", "10.0.0.5", "--broker-port", "1884",
             "--max-payload-bytes", "1000", "--log-level", "debug", "--log-format", "json"});
  CHECK(options.data_dir == "/srv/hub");
  CHECK(options.mqtt_port == 18883);
  CHECK(options.http_port == 0);
  CHECK(options.broker == BrokerMode::external);
  CHECK(options.broker_host == "10.0.0.5");
  CHECK(options.broker_port == 1884);
  CHECK(options.max_payload_bytes == 1000);
  CHECK(options.log_level == "debug");
  CHECK(options.log_format == "json");
}

TEST_CASE("bad option values are refused") {
  CHECK_THROWS_AS(parse({"--mqtt-port", "0"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--mqtt-port", "70000"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--broker", "sometimes"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--log-level", "loud"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--log-format", "xml"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--max-payload-bytes", "0"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--no-such-option"}), CLI::ParseError);
}

TEST_CASE("a TOML config file sets options; the command line wins") {
  edgehub::test::TempDirectory temp;
  const auto file = temp.path() / "hubd.toml";
  std::ofstream(file) << "data-dir = \"/var/lib/hub\"\nmqtt-port = 18883\nbroker = \"external\"\n";
  const HubdOptions options = parse({"--config", file.string(), "--mqtt-port", "28883"});
  CHECK(options.data_dir == "/var/lib/hub");
  CHECK(options.broker == BrokerMode::external);
  CHECK(options.mqtt_port == 28883);
}

TEST_CASE("listeners and server names: repeated on the command line, arrays in the config file") {
  const HubdOptions options =
      parse({"--mqtt-bind", "127.0.0.1", "--mqtt-bind", "10.20.0.1", "--server-name",
             "hub.site.example", "--server-name", "10.20.0.1"});
  CHECK(options.mqtt_binds == std::vector<std::string>{"127.0.0.1", "10.20.0.1"});
  CHECK(options.server_names == std::vector<std::string>{"hub.site.example", "10.20.0.1"});

  edgehub::test::TempDirectory temp;
  const auto file = temp.path() / "hubd.toml";
  std::ofstream(file) << "mqtt-bind = [\"0.0.0.0\"]\nserver-name = [\"hub.lan\", \"fd00::5\"]\n";
  const HubdOptions configured = parse({"--config", file.string()});
  CHECK(configured.mqtt_binds == std::vector<std::string>{"0.0.0.0"});
  CHECK(configured.server_names == std::vector<std::string>{"hub.lan", "fd00::5"});

  CHECK_THROWS_AS(parse({"--server-name", "not a name"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--server-name", "under_score.example"}), CLI::ParseError);
}

TEST_CASE("a config file with an unknown key or a missing file is an error") {
  edgehub::test::TempDirectory temp;
  const auto file = temp.path() / "hubd.toml";
  std::ofstream(file) << "mqtt-prot = 18883\n";
  CHECK_THROWS_AS(parse({"--config", file.string()}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--config", (temp.path() / "missing.toml").string()}), CLI::ParseError);
}

TEST_CASE(
    "device limits, connect timeout and broker connection budget: defaults, values, lifting") {
  const HubdOptions defaults = parse({});
  CHECK(defaults.device_limits.max_messages_per_second == 200);
  CHECK(defaults.device_limits.message_burst == 2000);
  CHECK(defaults.device_limits.max_bytes_per_second == 1048576);
  CHECK(defaults.device_limits.byte_burst == 8388608);
  CHECK(defaults.device_limits.max_connects_per_minute == 30);
  CHECK(defaults.device_limits.refuse_retained);
  CHECK(defaults.device_limits.connect_timeout_seconds == 10);
  CHECK(defaults.broker_max_connections == 20000);
  CHECK(defaults.broker_max_open_files == 65536);

  const HubdOptions set =
      parse({"--device-max-messages-per-second", "5", "--device-message-burst", "7",
             "--device-max-connects-per-minute", "0", "--device-allow-retained",
             "--connect-timeout-seconds", "3", "--broker-max-connections", "100",
             "--broker-max-open-files", "4096"});
  CHECK(set.device_limits.max_messages_per_second == 5);
  CHECK(set.device_limits.message_burst == 7);
  CHECK(set.device_limits.max_connects_per_minute == 0);
  CHECK_FALSE(set.device_limits.refuse_retained);
  CHECK(set.device_limits.connect_timeout_seconds == 3);
  CHECK(set.broker_max_connections == 100);
  CHECK(set.broker_max_open_files == 4096);

  const HubdOptions lifted = parse({"--no-device-limits"});
  CHECK(lifted.device_limits.max_messages_per_second == 0);
  CHECK(lifted.device_limits.max_bytes_per_second == 0);
  CHECK(lifted.device_limits.max_connects_per_minute == 0);
  CHECK(lifted.device_limits.refuse_retained);  // not a rate: still refused
  CHECK(lifted.device_limits.connect_timeout_seconds == 10);

  CHECK_THROWS_AS(parse({"--connect-timeout-seconds", "3601"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--device-message-burst", "0"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--broker-max-open-files", "100"}), CLI::ParseError);
}

TEST_CASE("telemetry goes through the broker journal unless --telemetry-path mqtt") {
  const HubdOptions defaults = parse({});
  CHECK_FALSE(defaults.telemetry_via_mqtt);
  CHECK(defaults.journal_max_bytes == (1ull << 30));
  CHECK(defaults.journal_sync_ms == 10);
  const HubdOptions set = parse(
      {"--telemetry-path", "mqtt", "--journal-max-bytes", "2097152", "--journal-sync-ms", "0"});
  CHECK(set.telemetry_via_mqtt);
  CHECK(set.journal_max_bytes == 2097152);
  CHECK(set.journal_sync_ms == 0);
  CHECK_THROWS_AS(parse({"--telemetry-path", "kafka"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--journal-max-bytes", "1000"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--journal-sync-ms", "20000"}), CLI::ParseError);
}

TEST_CASE("the REST API listens over HTTPS where configured; plain HTTP only on loopback") {
  const HubdOptions defaults = parse({});
  CHECK(check_http_options(defaults).ok());
  CHECK_FALSE(defaults.http_plain);

  const HubdOptions two = parse({"--http-bind", "127.0.0.1", "--http-bind", "10.20.0.1"});
  CHECK(two.http_binds == std::vector<std::string>{"127.0.0.1", "10.20.0.1"});
  CHECK(check_http_options(two).ok());

  edgehub::test::TempDirectory temp;
  const auto file = temp.path() / "hubd.toml";
  std::ofstream(file) << "http-bind = [\"::1\", \"192.168.1.10\"]\nhttp-cert = \"/c.pem\"\n"
                         "http-key = \"/k.pem\"\n";
  const HubdOptions configured = parse({"--config", file.string()});
  CHECK(configured.http_binds == std::vector<std::string>{"::1", "192.168.1.10"});
  CHECK(configured.http_certificate == "/c.pem");
  CHECK(check_http_options(configured).ok());

  CHECK(check_http_options(parse({"--http-plain"})).ok());
  CHECK(check_http_options(parse({"--http-plain", "--http-bind", "::1"})).ok());
  const auto everywhere = check_http_options(parse({"--http-plain", "--http-bind", "0.0.0.0"}));
  REQUIRE_FALSE(everywhere.ok());
  CHECK(everywhere.error().message.find("only on loopback") != std::string::npos);
  CHECK_FALSE(check_http_options(
                  parse({"--http-plain", "--http-bind", "127.0.0.1", "--http-bind", "10.0.0.1"}))
                  .ok());
  CHECK_FALSE(check_http_options(parse({"--http-cert", "/c.pem"})).ok());
}

TEST_CASE("is_loopback_address_is_127_slash_8_and_ipv6_loopback_only") {
  for (const char* loopback : {"127.0.0.1", "127.0.0.2", "127.255.0.1", "::1", "localhost"}) {
    CHECK(is_loopback_address(loopback));
  }
  for (const char* other : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "hub.lan", ""}) {
    CHECK_FALSE(is_loopback_address(other));
  }
}

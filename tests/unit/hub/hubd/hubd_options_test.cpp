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

TEST_CASE("defaults: loopback, standard ports, supervised broker") {
  const HubdOptions options = parse({});
  CHECK(options.data_dir == "./hub-data");
  CHECK(options.mqtt_bind == "127.0.0.1");
  CHECK(options.mqtt_port == 8883);
  CHECK(options.http_bind == "127.0.0.1");
  CHECK(options.http_port == 8080);
  CHECK(options.broker == BrokerMode::supervise);
  CHECK(options.max_payload_bytes == 262144);
  CHECK(options.broker_max_queued == 100000);
  CHECK(options.broker_max_inflight == 1000);
  CHECK(options.log_level == "info");
  CHECK(options.mosquitto == default_mosquitto_executable());
  CHECK(options.plugin.filename() == "libedgehub_mosquitto_auth.so");
  CHECK(options.plugin.parent_path().filename() == "lib");
}

TEST_CASE("options on the command line") {
  const HubdOptions options =
      parse({"--data-dir", "/srv/hub", "--mqtt-port", "18883", "--http-port", "0", "--broker",
             "external", "--broker-host", "10.0.0.5", "--broker-port", "1884",
             "--max-payload-bytes", "1000", "--log-level", "debug"});
  CHECK(options.data_dir == "/srv/hub");
  CHECK(options.mqtt_port == 18883);
  CHECK(options.http_port == 0);
  CHECK(options.broker == BrokerMode::external);
  CHECK(options.broker_host == "10.0.0.5");
  CHECK(options.broker_port == 1884);
  CHECK(options.max_payload_bytes == 1000);
  CHECK(options.log_level == "debug");
}

TEST_CASE("bad option values are refused") {
  CHECK_THROWS_AS(parse({"--mqtt-port", "0"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--mqtt-port", "70000"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--broker", "sometimes"}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--log-level", "loud"}), CLI::ParseError);
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

TEST_CASE("a config file with an unknown key or a missing file is an error") {
  edgehub::test::TempDirectory temp;
  const auto file = temp.path() / "hubd.toml";
  std::ofstream(file) << "mqtt-prot = 18883\n";
  CHECK_THROWS_AS(parse({"--config", file.string()}), CLI::ParseError);
  CHECK_THROWS_AS(parse({"--config", (temp.path() / "missing.toml").string()}), CLI::ParseError);
}

#include "broker/mosquitto_config.h"

#include <doctest/doctest.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace edgehub::hub;

namespace {

MosquittoConfig sample_config() {
  MosquittoConfig config;
  config.bind_addresses = {"127.0.0.1"};
  config.port = 18883;
  config.ca_file = "/data/pki/ca.pem";
  config.certificate_file = "/data/pki/server.pem";
  config.key_file = "/data/pki/server.key";
  config.plugin_file = "/opt/edgehub/lib/libedgehub_mosquitto_auth.so";
  config.registry_file = "/data/registry.db";
  config.persistence_directory = "/data/broker/persistence";
  config.log_file = "/data/broker/mosquitto.log";
  config.run_as_user = "edgehub";
  return config;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool has_line(const std::string& text, const std::string& wanted) {
  for (const auto& line : lines_of(text)) {
    if (line == wanted) return true;
  }
  return false;
}

int count_lines_starting(const std::string& text, const std::string& prefix) {
  int count = 0;
  for (const auto& line : lines_of(text)) count += line.rfind(prefix, 0) == 0 ? 1 : 0;
  return count;
}

}  // namespace

TEST_CASE("the broker listens only on the configured TLS listener") {
  const std::string text = render_mosquitto_config(sample_config());
  CHECK(has_line(text, "listener 18883 127.0.0.1"));
  CHECK(count_lines_starting(text, "listener ") == 1);
  CHECK(count_lines_starting(text, "port ") == 0);  // no default listener (1883)
  CHECK(has_line(text, "per_listener_settings false"));
  CHECK(has_line(text, "cafile /data/pki/ca.pem"));
  CHECK(has_line(text, "certfile /data/pki/server.pem"));
  CHECK(has_line(text, "keyfile /data/pki/server.key"));
  CHECK(has_line(text, "require_certificate true"));
  CHECK(has_line(text, "tls_version tlsv1.2"));
  CHECK(has_line(text, "set_tcp_nodelay true"));
}

TEST_CASE("several bind addresses: one listener each, all with the same TLS settings") {
  MosquittoConfig config = sample_config();
  config.bind_addresses = {"127.0.0.1", "10.20.0.1"};
  const std::string text = render_mosquitto_config(config);
  CHECK(has_line(text, "listener 18883 127.0.0.1"));
  CHECK(has_line(text, "listener 18883 10.20.0.1"));
  CHECK(count_lines_starting(text, "listener ") == 2);
  CHECK(count_lines_starting(text, "certfile /data/pki/server.pem") == 2);
  CHECK(count_lines_starting(text, "require_certificate true") == 2);
  CHECK(count_lines_starting(text, "max_connections ") == 2);
  config.bind_addresses = {};
  CHECK_THROWS_AS(render_mosquitto_config(config), std::invalid_argument);
}

TEST_CASE("devices are admitted by the plugin, not by the certificate alone") {
  const std::string text = render_mosquitto_config(sample_config());
  // use_identity_as_username true would skip the plugin's BASIC_AUTH check.
  CHECK(has_line(text, "use_identity_as_username false"));
  CHECK(has_line(text, "allow_anonymous false"));
  CHECK(has_line(text, "plugin /opt/edgehub/lib/libedgehub_mosquitto_auth.so"));
  CHECK(has_line(text, "plugin_opt_registry /data/registry.db"));
}

TEST_CASE("limits are sized for a fleet and the payload limit") {
  MosquittoConfig config = sample_config();
  config.max_payload_bytes = 1000;
  config.max_inflight_messages = 1000;
  config.max_queued_messages = 100000;
  const std::string text = render_mosquitto_config(config);
  CHECK(has_line(text, "max_inflight_messages 1000"));
  CHECK(has_line(text, "max_queued_messages 100000"));
  CHECK(has_line(text, "max_packet_size 3024"));
  CHECK(broker_max_packet_size(262144) == 2 * 262144 + 1024);
}

TEST_CASE("defaults keep the broker's queue for hubd large") {
  const MosquittoConfig defaults;
  CHECK(defaults.max_inflight_messages == 1000);
  CHECK(defaults.max_queued_messages == 100000);
  CHECK(defaults.max_payload_bytes == 262144);
}

TEST_CASE("persistence, logging and the user are written where hubd keeps them") {
  const std::string text = render_mosquitto_config(sample_config());
  CHECK(has_line(text, "persistence true"));
  // mosquitto uses the location as a prefix: it must end with a separator.
  CHECK(has_line(text, "persistence_location /data/broker/persistence/"));
  CHECK(count_lines_starting(text, "autosave_interval ") == 1);
  CHECK(has_line(text, "log_dest file /data/broker/mosquitto.log"));
  CHECK(has_line(text, "user edgehub"));
}

TEST_CASE("a setting that would break the file is refused") {
  MosquittoConfig config = sample_config();
  SUBCASE("line break in a path") {
    config.registry_file = "/data/registry.db\nallow_anonymous true";
    CHECK_THROWS_AS(render_mosquitto_config(config), std::invalid_argument);
  }
  SUBCASE("empty path") {
    config.plugin_file.clear();
    CHECK_THROWS_AS(render_mosquitto_config(config), std::invalid_argument);
  }
  SUBCASE("port 0") {
    config.port = 0;
    CHECK_THROWS_AS(render_mosquitto_config(config), std::invalid_argument);
  }
  SUBCASE("no user") {
    config.run_as_user.clear();
    CHECK_THROWS_AS(render_mosquitto_config(config), std::invalid_argument);
  }
}

TEST_CASE("the device limits and the connect timeout reach the plugin as plugin_opt lines") {
  const std::string defaults = render_mosquitto_config(sample_config());
  CHECK(has_line(defaults, "plugin_opt_max_messages_per_second 200"));
  CHECK(has_line(defaults, "plugin_opt_message_burst 2000"));
  CHECK(has_line(defaults, "plugin_opt_max_bytes_per_second 1048576"));
  CHECK(has_line(defaults, "plugin_opt_byte_burst 8388608"));
  CHECK(has_line(defaults, "plugin_opt_max_connects_per_minute 30"));
  CHECK(has_line(defaults, "plugin_opt_refuse_retained true"));
  CHECK(has_line(defaults, "plugin_opt_connect_timeout_seconds 10"));

  MosquittoConfig config = sample_config();
  config.device_limits.max_messages_per_second = 0;
  config.device_limits.max_connects_per_minute = 5;
  config.device_limits.refuse_retained = false;
  config.device_limits.connect_timeout_seconds = 0;
  const std::string text = render_mosquitto_config(config);
  CHECK(has_line(text, "plugin_opt_max_messages_per_second 0"));
  CHECK(has_line(text, "plugin_opt_max_connects_per_minute 5"));
  CHECK(has_line(text, "plugin_opt_refuse_retained false"));
  CHECK(has_line(text, "plugin_opt_connect_timeout_seconds 0"));
}

TEST_CASE(
    "max_connections applies to the device listener and the open-files limit is written "
    "down for an operator who runs the broker") {
  MosquittoConfig config = sample_config();
  config.max_connections = 20000;
  config.max_open_files = 65536;
  std::string text = render_mosquitto_config(config);
  const auto lines = lines_of(text);
  std::size_t listener = 0;
  std::size_t max_connections = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("listener ", 0) == 0) listener = i;
    if (lines[i] == "max_connections 20000") max_connections = i;
  }
  CHECK(max_connections > listener);  // a per-listener option: after its listener line
  CHECK(text.find("LimitNOFILE=65536") != std::string::npos);
  CHECK(text.find("ulimit -n 65536") != std::string::npos);

  config.external_broker = true;
  text = render_mosquitto_config(config);
  CHECK(text.find("This broker is external") != std::string::npos);

  config.max_connections = 0;
  CHECK(count_lines_starting(render_mosquitto_config(config), "max_connections") == 0);
}

TEST_CASE("the broker journal's directory, budget and sync period reach the plugin") {
  const std::string without = render_mosquitto_config(sample_config());
  CHECK(count_lines_starting(without, "plugin_opt_journal") == 0);

  MosquittoConfig config = sample_config();
  config.journal_directory = "/data/journal/broker";
  config.journal_max_bytes = 5u << 20;
  config.journal_sync_ms = 25;
  const std::string text = render_mosquitto_config(config);
  CHECK(has_line(text, "plugin_opt_journal_dir /data/journal/broker"));
  CHECK(has_line(text, "plugin_opt_journal_max_bytes 5242880"));
  CHECK(has_line(text, "plugin_opt_journal_sync_ms 25"));
}

TEST_CASE("the operator's trusted CAs are the listener's capath, only when there is one") {
  MosquittoConfig config = sample_config();
  CHECK(render_mosquitto_config(config).find("capath") == std::string::npos);
  config.ca_directory = "/data/pki/trusted-cas";
  const std::string text = render_mosquitto_config(config);
  CHECK(has_line(text, "cafile /data/pki/ca.pem"));
  CHECK(has_line(text, "capath /data/pki/trusted-cas"));
  config.ca_directory = "/data/pki/trusted\ncas";
  CHECK_THROWS_AS(render_mosquitto_config(config), std::invalid_argument);
}

#include "support/mqtt_cli.h"

#include <sstream>

#include "support/programs.h"
#include "support/temp_dir.h"

namespace edgehub::itest {
namespace {

std::vector<std::string> connection_arguments(const std::filesystem::path& program,
                                              const MqttConnection& connection) {
  std::vector<std::string> argv{program.string(),
          "-h",
          "127.0.0.1",
          "-p",
          std::to_string(connection.port),
          "--cafile",
          connection.credentials.ca.string(),
          "--cert",
          connection.credentials.certificate.string(),
          "--key",
          connection.credentials.private_key.string(),
          "-i",
          connection.client_id.value_or(connection.credentials.id),
          "-V",
          connection.protocol,
          "-q",
          "1",
          "-d"};
  argv.insert(argv.end(), connection.extra_arguments.begin(), connection.extra_arguments.end());
  return argv;
}

}  // namespace

CommandResult mqtt_publish(const MqttConnection& connection, const std::string& topic,
                           const std::string& payload, std::chrono::milliseconds timeout) {
  auto argv = connection_arguments(Programs::mosquitto_pub(), connection);
  argv.insert(argv.end(), {"-t", topic, "-m", payload});
  return run_command(argv, timeout);
}

CommandResult mqtt_publish_file(const MqttConnection& connection, const std::string& topic,
                                const std::filesystem::path& payload_file,
                                std::chrono::milliseconds timeout) {
  auto argv = connection_arguments(Programs::mosquitto_pub(), connection);
  argv.insert(argv.end(), {"-t", topic, "-f", payload_file.string()});
  return run_command(argv, timeout);
}

Process mqtt_subscribe(const MqttConnection& connection, const std::vector<std::string>& filters,
                       const std::filesystem::path& log_file) {
  auto argv = connection_arguments(Programs::mosquitto_sub(), connection);
  argv.push_back("-v");
  // Line-buffered output, so the test sees the SUBACK and each message at once.
  if (const auto stdbuf = Programs::stdbuf_or_empty(); !stdbuf.empty()) {
    argv.insert(argv.begin(), {stdbuf.string(), "-oL"});
  }
  for (const auto& filter : filters) argv.insert(argv.end(), {"-t", filter});
  return Process("mosquitto_sub " + connection.client_id.value_or(connection.credentials.id), argv,
                 log_file);
}

std::vector<std::string> received_on(const std::filesystem::path& subscriber_log,
                                     const std::string& topic) {
  std::vector<std::string> lines;
  std::istringstream in(tail_of_file(subscriber_log, 100000));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(topic + " ", 0) == 0) lines.push_back(line);
  }
  return lines;
}

std::optional<std::vector<int>> suback_codes(const std::filesystem::path& subscriber_log) {
  std::istringstream in(tail_of_file(subscriber_log, 100000));
  for (std::string line; std::getline(in, line);) {
    const auto marker = line.find("Subscribed (mid: ");
    if (marker == std::string::npos) continue;
    const auto colon = line.find("):", marker);
    if (colon == std::string::npos) continue;
    std::vector<int> codes;
    std::istringstream values(line.substr(colon + 2));
    for (std::string value; std::getline(values, value, ',');) codes.push_back(std::stoi(value));
    return codes;
  }
  return std::nullopt;
}

std::string telemetry_payload(unsigned long long seq, const std::string& data_json) {
  return "{\"seq\":" + std::to_string(seq) + ",\"ts\":1732631234000,\"data\":" + data_json + "}";
}

}  // namespace edgehub::itest

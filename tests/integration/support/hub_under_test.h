// A real hub for one test: hubd (which starts and supervises its mosquitto) in
// a fresh data dir, on free loopback ports, ready when its health endpoint
// says the broker is connected. Everything it started is stopped when the
// fixture goes away, also when the test fails: hubd, and the broker named in
// <data-dir>/broker/mosquitto.pid (which outlives a SIGKILLed hubd by design).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "support/command.h"
#include "support/device_credentials.h"
#include "support/diagnostics.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace edgehub::itest {

struct HubOptions {
  std::string name = "hub";                      // part of the temp dir's name
  std::optional<std::size_t> max_payload_bytes;  // hubd --max-payload-bytes
  std::string log_level = "debug";
  std::chrono::milliseconds ready_timeout = std::chrono::seconds(30);
  std::vector<std::string>
      extra_arguments;  // more hubd options, e.g. {"--ingest-linger-ms", "3000"}
  // Called with the data dir (not created yet) before hubd first starts,
  // e.g. to put part of it on a small file system.
  std::function<void(const std::filesystem::path& data_dir)> before_first_start;
  // false: hubd --http-plain (loopback, what most tests need); true: the
  // REST API over HTTPS with the hub CA's certificate, as hubd serves it by
  // default (the fixture's client trusts <data-dir>/pki/ca.pem).
  bool https = false;
};

struct HttpReply {
  int status = 0;     // 0: no HTTP answer at all (see error)
  std::string error;  // transport error, if any
  std::string body;
  nlohmann::json json;  // the parsed body (null if it is not JSON)
  std::string describe() const;
};

class HubUnderTest {
 public:
  explicit HubUnderTest(HubOptions options = {});  // starts the hub and waits until it is ready
  ~HubUnderTest();
  HubUnderTest(const HubUnderTest&) = delete;
  HubUnderTest& operator=(const HubUnderTest&) = delete;

  // The test's own files: <work_dir>/data (hubd's), logs/, devices/ (certs).
  const std::filesystem::path& work_dir() const { return work_dir_.path(); }
  std::filesystem::path data_dir() const { return work_dir() / "data"; }
  std::filesystem::path logs_dir() const { return work_dir() / "logs"; }
  std::filesystem::path devices_dir() const { return work_dir() / "devices"; }
  std::filesystem::path ca_certificate() const { return data_dir() / "pki" / "ca.pem"; }
  std::filesystem::path ca_private_key() const { return data_dir() / "pki" / "ca.key"; }
  std::filesystem::path broker_log() const { return data_dir() / "broker" / "mosquitto.log"; }

  int mqtt_port() const { return mqtt_port_; }
  int http_port() const { return http_port_; }
  std::string url() const {
    return (options_.https ? "https://127.0.0.1:" : "http://127.0.0.1:") +
           std::to_string(http_port_);
  }
  std::string api_token() const;

  // Lifecycle. start() waits for readiness and throws (with hubd's log tail)
  // if hubd exits or is not ready in time.
  void start();
  void kill_hard();  // SIGKILL hubd only: its broker keeps running
  void restart() { start(); }
  bool hubd_running();
  // Sends hubd a signal (e.g. SIGHUP: reload); false if hubd is not running.
  bool signal_hubd(int signal_number);
  std::optional<pid_t> broker_pid() const;  // from <data-dir>/broker/mosquitto.pid

  // REST API (docs/protocol.md section 6), authenticated with the API token.
  HttpReply get(const std::string& path,
                std::chrono::seconds timeout = std::chrono::seconds(10)) const;
  HttpReply post(const std::string& path, const nlohmann::json& body,
                 std::chrono::seconds timeout = std::chrono::seconds(10)) const;
  HttpReply del(const std::string& path) const;
  // Any request with any bearer token ("" : none), e.g. an operator's.
  HttpReply call(const std::string& method, const std::string& path, const std::string& token,
                 const std::optional<nlohmann::json>& body = std::nullopt) const;

  // Registers a device and writes <devices_dir>/<id>.pem, <id>.key and ca.pem.
  DeviceCredentials register_device(const std::string& id);
  void remove_device(const std::string& id);

  // All records of a stream, from `from` on (paged through the REST API).
  std::vector<nlohmann::json> read_stream(const std::string& stream, std::uint64_t from = 0) const;
  // The stream's record_count (0 if the stream does not exist yet).
  std::uint64_t record_count(const std::string& stream) const;

  // Runs hubctl --hub <url> --data-dir <data-dir> <arguments...>.
  CommandResult hubctl(const std::vector<std::string>& arguments,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

  // Tails of hubd's and mosquitto's logs, for messages.
  std::string log_tails(std::size_t lines = 30) const;

 private:
  void wait_until_ready();
  void stop_everything() noexcept;
  void stop_brokers();

  HubOptions options_;
  TempDir work_dir_;  // declared first: removed last
  int mqtt_port_ = 0;
  int http_port_ = 0;
  std::optional<Process> hubd_;
  std::set<pid_t> broker_pids_seen_;
  LogWatch broker_log_watch_;
};

}  // namespace edgehub::itest

// Runs the hub's mosquitto: starts or adopts it, restarts it when it dies,
// stops it when hubd stops.
//
// Durability: the broker holds the telemetry queued for hubd's persistent
// session, so it must outlive a hubd that is killed (-9, OOM, crash). It is
// therefore started detached (own session, no parent-death signal), its pid
// kept in a pid file, and a hubd started later on the same data directory
// adopts the running broker instead of starting a second one. An adopted
// broker is not our child: it is watched by polling its pid.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "edgehub/common/result.h"

namespace edgehub::hub {

struct BrokerSupervisorSettings {
  std::filesystem::path mosquitto_executable = "/usr/sbin/mosquitto";
  std::filesystem::path config_file;  // absolute: it identifies our broker in /proc/<pid>/cmdline
  std::filesystem::path pid_file;
  // mosquitto's stdout/stderr (errors before its own log opens), appended.
  std::filesystem::path output_file;
  // The listeners' addresses (all on `port`); the first is the one probed.
  std::vector<std::string> bind_addresses = {"127.0.0.1"};
  std::uint16_t port = 8883;
  // RLIMIT_NOFILE given to the broker (capped by the hard limit unless hubd
  // may raise it); 0 = inherit hubd's. mosquitto has no option for it and
  // the default 1,024 admits about 1,000 connections.
  std::uint64_t max_open_files = 65536;

  std::chrono::milliseconds start_timeout{15000};
  std::chrono::milliseconds stop_timeout{10000};
  std::chrono::milliseconds poll_interval{250};
  std::chrono::milliseconds first_restart_delay{500};
  std::chrono::milliseconds max_restart_delay{30000};
  // A broker that ran this long resets the restart delay to the first one.
  std::chrono::milliseconds stable_after{60000};
};

class BrokerSupervisor {
 public:
  explicit BrokerSupervisor(BrokerSupervisorSettings settings);
  BrokerSupervisor(const BrokerSupervisor&) = delete;
  BrokerSupervisor& operator=(const BrokerSupervisor&) = delete;
  ~BrokerSupervisor();  // stop()

  // Writes config_text to the config file and makes sure a broker runs with
  // it: adopts the broker named by the pid file if it is alive, was started
  // with our config file and that file is unchanged; restarts it if the
  // configuration changed; otherwise (no or stale pid file) starts one.
  // Returns once the port accepts TCP connections, then keeps watching.
  // Throws std::runtime_error (port in use, mosquitto failing at start-up,
  // with the last lines of its output).
  void start(const std::string& config_text);

  // Stops watching and stops the broker: SIGTERM (mosquitto then saves its
  // persistence file), SIGKILL after stop_timeout. Idempotent.
  void stop();

  // SIGHUP to the running broker: mosquitto 2.0 loads each listener's
  // certfile/keyfile again, reopens its log file (after a rotation) and
  // re-checks every session with the plugin; connections stay. Error if no
  // broker runs.
  Status reload();

  bool adopted() const;
  pid_t pid() const;
  unsigned restart_count() const { return restarts_.load(); }

 private:
  bool adopt_running_broker(const std::string& config_text);
  void launch_fresh();
  bool broker_alive(std::string& how_it_ended);
  void watch();
  std::string recent_output() const;
  void apply_open_files_limit(pid_t broker) const;

  BrokerSupervisorSettings settings_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool started_ = false;
  pid_t pid_ = 0;
  bool is_child_ = false;
  bool adopted_ = false;
  std::chrono::steady_clock::time_point running_since_;
  std::atomic<unsigned> restarts_{0};
  std::thread watcher_;
};

}  // namespace edgehub::hub

#include "broker/broker_supervisor.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "broker/pid_file.h"
#include "broker/process_control.h"
#include "broker/tcp_port.h"

namespace edgehub::hub {
namespace {

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::path temporary = file;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, file);
}

}  // namespace

BrokerSupervisor::BrokerSupervisor(BrokerSupervisorSettings settings)
    : settings_(std::move(settings)) {
  if (settings_.bind_addresses.empty()) settings_.bind_addresses = {"127.0.0.1"};
}

BrokerSupervisor::~BrokerSupervisor() { stop(); }

Status BrokerSupervisor::reload() {
  std::lock_guard lock(mutex_);
  if (pid_ <= 0) return make_error(ErrorCode::unavailable, "no broker is running");
  if (::kill(pid_, SIGHUP) != 0) {
    return make_error(
        ErrorCode::unavailable,
        "cannot signal the broker (pid " + std::to_string(pid_) + "): " + std::strerror(errno));
  }
  return ok_status();
}

bool BrokerSupervisor::adopted() const {
  std::lock_guard lock(mutex_);
  return adopted_;
}

pid_t BrokerSupervisor::pid() const {
  std::lock_guard lock(mutex_);
  return pid_;
}

void BrokerSupervisor::start(const std::string& config_text) {
  {
    std::lock_guard lock(mutex_);
    if (started_) throw std::logic_error("BrokerSupervisor::start called twice");
    started_ = true;
    stopping_ = false;
  }
  if (!adopt_running_broker(config_text)) {
    write_file(settings_.config_file, config_text);
    launch_fresh();
  }
  watcher_ = std::thread([this] { watch(); });
}

bool BrokerSupervisor::adopt_running_broker(const std::string& config_text) {
  const auto recorded = read_pid_file(settings_.pid_file);
  if (!recorded) return false;
  const pid_t candidate = *recorded;
  if (!process_is_running(candidate) ||
      !process_has_argument(candidate, settings_.config_file.string())) {
    spdlog::info("broker: pid file {} is stale (pid {} is not our broker); starting a new broker",
                 settings_.pid_file.string(), candidate);
    remove_pid_file(settings_.pid_file);
    return false;
  }
  if (read_file(settings_.config_file) != config_text) {
    spdlog::info("broker: configuration changed; restarting the running broker (pid {})",
                 candidate);
    if (!terminate_process(candidate, /*is_child=*/false, settings_.stop_timeout)) {
      throw std::runtime_error("cannot stop the running broker (pid " + std::to_string(candidate) +
                               ")");
    }
    remove_pid_file(settings_.pid_file);
    return false;
  }
  const std::string host = connectable_host(settings_.bind_addresses.front());
  if (!wait_until_port_accepts(host, settings_.port, settings_.start_timeout,
                               [&] { return process_is_running(candidate); })) {
    spdlog::warn("broker: running broker (pid {}) does not accept connections on {}; replacing it",
                 candidate, format_host_port(host, settings_.port));
    terminate_process(candidate, /*is_child=*/false, settings_.stop_timeout);
    remove_pid_file(settings_.pid_file);
    return false;
  }
  apply_open_files_limit(candidate);
  std::lock_guard lock(mutex_);
  pid_ = candidate;
  is_child_ = false;
  adopted_ = true;
  running_since_ = std::chrono::steady_clock::now();
  spdlog::info("broker: adopted running mosquitto (pid {}) on {}", candidate,
               format_host_port(host, settings_.port));
  return true;
}

void BrokerSupervisor::apply_open_files_limit(pid_t broker) const {
  if (settings_.max_open_files == 0) return;
  std::string error;
  const auto limit = raise_open_files_limit(broker, settings_.max_open_files, error);
  if (!limit) {
    spdlog::warn("broker: mosquitto (pid {}) keeps its open-files limit: {}", broker, error);
  } else if (limit->soft < settings_.max_open_files) {
    spdlog::warn(
        "broker: mosquitto (pid {}) may open {} files, not {} (hard limit; run hubd as root or "
        "raise it, e.g. LimitNOFILE=)",
        broker, limit->soft, settings_.max_open_files);
  } else {
    spdlog::debug("broker: mosquitto (pid {}) may open {} files", broker, limit->soft);
  }
}

void BrokerSupervisor::launch_fresh() {
  for (const std::string& address : settings_.bind_addresses) {
    if (Status free = check_port_free(address, settings_.port); !free) {
      throw std::runtime_error("cannot start the broker: MQTT port " + free.error().message);
    }
  }
  const std::vector<std::string> argv = {settings_.mosquitto_executable.string(), "-c",
                                         settings_.config_file.string()};
  const pid_t child = spawn_detached_process(argv, settings_.output_file);
  // posix_spawn returns after the exec; mosquitto has opened only its
  // listeners by the time the limit is raised.
  apply_open_files_limit(child);
  {
    std::lock_guard lock(mutex_);
    pid_ = child;
    is_child_ = true;
    adopted_ = false;
    running_since_ = std::chrono::steady_clock::now();
  }
  write_pid_file(settings_.pid_file, child);

  std::optional<int> ended;
  const std::string host = connectable_host(settings_.bind_addresses.front());
  const bool accepting =
      wait_until_port_accepts(host, settings_.port, settings_.start_timeout, [&] {
        std::lock_guard lock(mutex_);
        if (stopping_) return false;
        ended = reap_child_if_exited(child);
        return !ended.has_value();
      });
  if (accepting) {
    spdlog::info("broker: started mosquitto (pid {}) on {}", child,
                 format_host_port(host, settings_.port));
    return;
  }
  std::string reason;
  if (ended) {
    reason = "mosquitto " + describe_wait_status(*ended) + " during start-up";
  } else {
    terminate_process(child, /*is_child=*/true, settings_.stop_timeout);
    reason = "mosquitto did not accept connections on " + format_host_port(host, settings_.port) +
             " within " + std::to_string(settings_.start_timeout.count()) + " ms";
  }
  {
    std::lock_guard lock(mutex_);
    pid_ = 0;
  }
  remove_pid_file(settings_.pid_file);
  throw std::runtime_error(reason + "; its last output (" + settings_.output_file.string() +
                           "):\n" + recent_output());
}

bool BrokerSupervisor::broker_alive(std::string& how_it_ended) {
  pid_t pid = 0;
  bool is_child = false;
  {
    std::lock_guard lock(mutex_);
    pid = pid_;
    is_child = is_child_;
  }
  if (pid == 0) {
    how_it_ended = "is not running";
    return false;
  }
  if (is_child) {
    if (auto status = reap_child_if_exited(pid)) {
      how_it_ended = "(pid " + std::to_string(pid) + ") " + describe_wait_status(*status);
      return false;
    }
    return true;
  }
  if (process_is_running(pid) && process_has_argument(pid, settings_.config_file.string())) {
    return true;
  }
  how_it_ended = "(pid " + std::to_string(pid) + ", adopted) is gone";
  return false;
}

void BrokerSupervisor::watch() {
  auto restart_delay = settings_.first_restart_delay;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, settings_.poll_interval, [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    std::string how_it_ended;
    const bool alive = broker_alive(how_it_ended);
    lock.lock();
    if (alive) {
      if (std::chrono::steady_clock::now() - running_since_ > settings_.stable_after) {
        restart_delay = settings_.first_restart_delay;
      }
      continue;
    }
    pid_ = 0;
    spdlog::warn("broker: mosquitto {}; restarting it in {} ms", how_it_ended,
                 restart_delay.count());
    if (wake_.wait_for(lock, restart_delay, [&] { return stopping_; })) break;
    lock.unlock();
    try {
      launch_fresh();
      ++restarts_;
      spdlog::warn("broker: mosquitto restarted (restart #{}, pid {})", restarts_.load(), pid());
    } catch (const std::exception& error) {
      spdlog::error("broker: restart failed: {}", error.what());
    }
    lock.lock();
    restart_delay = std::min(restart_delay * 2, settings_.max_restart_delay);
  }
}

void BrokerSupervisor::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!started_) return;
    started_ = false;
    stopping_ = true;
  }
  wake_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  pid_t pid = 0;
  bool is_child = false;
  {
    std::lock_guard lock(mutex_);
    pid = pid_;
    is_child = is_child_;
    pid_ = 0;
  }
  if (pid == 0) return;
  spdlog::info("broker: stopping mosquitto (pid {})", pid);
  if (terminate_process(pid, is_child, settings_.stop_timeout)) {
    remove_pid_file(settings_.pid_file);
  } else {
    spdlog::error("broker: mosquitto (pid {}) did not stop", pid);
  }
}

std::string BrokerSupervisor::recent_output() const {
  std::ifstream in(settings_.output_file);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (lines.size() > 8) lines.pop_front();
  }
  std::ostringstream text;
  for (const auto& kept : lines) text << "  " << kept << "\n";
  return text.str();
}

}  // namespace edgehub::hub

#include "broker/process_control.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace edgehub::hub {
namespace {

class SpawnAttributes {
 public:
  SpawnAttributes() {
    posix_spawnattr_init(&attributes_);
    posix_spawn_file_actions_init(&actions_);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  ~SpawnAttributes() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attributes_);
  }
  posix_spawnattr_t* attributes() { return &attributes_; }
  posix_spawn_file_actions_t* actions() { return &actions_; }

 private:
  posix_spawnattr_t attributes_;
  posix_spawn_file_actions_t actions_;
};

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string(what) + ": " + std::strerror(rc));
}

// Field 3 of /proc/<pid>/stat, after the parenthesised command name.
char process_state(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto name_end = text.rfind(')');
  if (name_end == std::string::npos || name_end + 2 >= text.size()) return '?';
  return text[name_end + 2];
}

}  // namespace

pid_t spawn_detached_process(const std::vector<std::string>& argv,
                             const std::filesystem::path& output_file) {
  if (argv.empty()) throw std::invalid_argument("spawn_detached_process: empty argv");
  std::vector<char*> raw_argv;
  for (const auto& argument : argv) raw_argv.push_back(const_cast<char*>(argument.c_str()));
  raw_argv.push_back(nullptr);

  SpawnAttributes spawn;
  sigset_t no_signals;
  sigemptyset(&no_signals);
  // hubd blocks SIGTERM/SIGINT in every thread to sigwait for them, and
  // ignores SIGPIPE: the broker must start with neither.
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signal_number : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2}) {
    sigaddset(&defaults, signal_number);
  }
  check(posix_spawnattr_setsigmask(spawn.attributes(), &no_signals), "posix_spawnattr_setsigmask");
  check(posix_spawnattr_setsigdefault(spawn.attributes(), &defaults),
        "posix_spawnattr_setsigdefault");
  check(posix_spawnattr_setflags(spawn.attributes(), POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                                         POSIX_SPAWN_SETSIGDEF),
        "posix_spawnattr_setflags");
  check(posix_spawn_file_actions_addopen(spawn.actions(), 0, "/dev/null", O_RDONLY, 0),
        "posix_spawn_file_actions_addopen");
  check(posix_spawn_file_actions_addopen(spawn.actions(), 1, output_file.c_str(),
                                         O_WRONLY | O_CREAT | O_APPEND, 0600),
        "posix_spawn_file_actions_addopen");
  check(posix_spawn_file_actions_adddup2(spawn.actions(), 1, 2),
        "posix_spawn_file_actions_adddup2");
  // No descriptor of hubd may leak: an inherited listening socket would keep
  // the REST port busy after hubd dies.
  check(posix_spawn_file_actions_addclosefrom_np(spawn.actions(), 3),
        "posix_spawn_file_actions_addclosefrom_np");

  pid_t pid = 0;
  const int rc =
      posix_spawn(&pid, raw_argv[0], spawn.actions(), spawn.attributes(), raw_argv.data(), environ);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  return pid;
}

std::optional<OpenFilesLimit> raise_open_files_limit(pid_t pid, std::uint64_t wanted,
                                                     std::string& error) {
  rlimit current{};
  if (::prlimit(pid, RLIMIT_NOFILE, nullptr, &current) != 0) {
    error = std::string("cannot read its open-files limit: ") + std::strerror(errno);
    return std::nullopt;
  }
  const auto wanted_limit = static_cast<rlim_t>(wanted);
  rlimit raised = current;
  raised.rlim_cur = std::max(current.rlim_cur, wanted_limit);
  if (current.rlim_max != RLIM_INFINITY && wanted_limit > current.rlim_max) {
    raised.rlim_max = wanted_limit;
    if (::prlimit(pid, RLIMIT_NOFILE, &raised, nullptr) == 0) {
      return OpenFilesLimit{raised.rlim_cur, raised.rlim_max};
    }
    // Not allowed to raise the hard limit: as far as it goes.
    raised.rlim_max = current.rlim_max;
    raised.rlim_cur = std::max(current.rlim_cur, current.rlim_max);
  }
  if (::prlimit(pid, RLIMIT_NOFILE, &raised, nullptr) != 0) {
    error = std::string("cannot set its open-files limit: ") + std::strerror(errno);
    return std::nullopt;
  }
  return OpenFilesLimit{raised.rlim_cur, raised.rlim_max};
}

bool process_is_running(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  const char state = process_state(pid);
  return state != 'Z' && state != 'X' && state != '?';
}

bool process_has_argument(pid_t pid, std::string_view argument) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string each;
  while (std::getline(file, each, '\0')) {
    if (each == argument) return true;
  }
  return false;
}

std::optional<int> reap_child_if_exited(pid_t child) {
  int status = 0;
  const pid_t rc = ::waitpid(child, &status, WNOHANG);
  if (rc == child) return status;
  if (rc < 0 && errno == ECHILD) return 0;  // already reaped elsewhere: gone
  return std::nullopt;
}

std::string describe_wait_status(int wait_status) {
  if (WIFEXITED(wait_status))
    return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    return "killed by signal " + std::to_string(WTERMSIG(wait_status)) + " (" +
           strsignal(WTERMSIG(wait_status)) + ")";
  }
  return "ended (wait status " + std::to_string(wait_status) + ")";
}

bool terminate_process(pid_t pid, bool is_child, std::chrono::milliseconds grace) {
  const auto gone = [&] {
    if (is_child) return reap_child_if_exited(pid).has_value();
    return !process_is_running(pid);
  };
  if (gone()) return true;
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (gone()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  for (int attempt = 0; attempt < 250; ++attempt) {
    if (gone()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace edgehub::hub

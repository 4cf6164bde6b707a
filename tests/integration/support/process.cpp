#include "support/process.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

namespace edgehub::itest {
namespace {

using namespace std::chrono_literals;

void close_descriptor(int fd) {
  if (fd >= 0) ::close(fd);
}

// Polls every 10 ms; waitpid has no timeout.
std::optional<ExitStatus> wait_child(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t result = ::waitpid(pid, &status, WNOHANG);
    if (result == pid) return exit_status_from_wait(status);
    if (result < 0 && errno != EINTR) {
      throw std::runtime_error("waitpid " + std::to_string(pid) + ": " + std::strerror(errno));
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

}  // namespace

std::string ExitStatus::describe() const {
  if (signal != 0)
    return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit code " + std::to_string(code);
}

ExitStatus exit_status_from_wait(int wait_status) {
  ExitStatus status;
  if (WIFEXITED(wait_status)) status.code = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) status.signal = WTERMSIG(wait_status);
  return status;
}

pid_t spawn_program(const std::vector<std::string>& argv, int stdin_fd, int stdout_fd,
                    int stderr_fd) {
  if (argv.empty()) throw std::invalid_argument("spawn_program: empty argv");
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls are allowed.
  std::vector<char*> arguments;
  for (const auto& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  const pid_t parent = ::getpid();

  // Signals stay blocked until the child has dropped the test's handlers
  // (doctest's crash handlers): a signal in that window must not run them.
  sigset_t all_signals;
  sigset_t previous_mask;
  ::sigfillset(&all_signals);
  ::pthread_sigmask(SIG_SETMASK, &all_signals, &previous_mask);
  const pid_t pid = ::fork();
  if (pid != 0) {
    const int fork_error = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(fork_error));
  }
  if (pid == 0) {
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
      ::sigaction(signal_number, &default_action, nullptr);
    }
    ::sigprocmask(SIG_SETMASK, &previous_mask, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the test died before prctl
    ::setpgid(0, 0);                          // Ctrl-C on the test does not hit it first
    ::dup2(stdin_fd, 0);
    ::dup2(stdout_fd, 1);
    ::dup2(stderr_fd, 2);
    ::execv(arguments[0], arguments.data());
    const char* message = "exec failed: ";
    [[maybe_unused]] auto ignored = ::write(2, message, std::strlen(message));
    ignored = ::write(2, arguments[0], std::strlen(arguments[0]));
    ignored = ::write(2, "\n", 1);
    ::_exit(127);
  }
  return pid;
}

std::string shell_quoted(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& argument : argv) {
    if (!line.empty()) line += ' ';
    const bool plain =
        !argument.empty() && argument.find_first_of(" \t\n'\"\\$`{}*?;&|<>()") == std::string::npos;
    if (plain) {
      line += argument;
    } else {
      line += '\'';
      for (char c : argument) line += (c == '\'') ? std::string("'\\''") : std::string(1, c);
      line += '\'';
    }
  }
  return line;
}

Process::Process(std::string label, std::vector<std::string> argv, std::filesystem::path log_file)
    : label_(std::move(label)), argv_(std::move(argv)), log_file_(std::move(log_file)) {
  if (log_file_.has_parent_path()) std::filesystem::create_directories(log_file_.parent_path());
  const int log_fd = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    const int error = errno;
    close_descriptor(log_fd);
    close_descriptor(null_fd);
    throw std::runtime_error("cannot open " + log_file_.string() + ": " + std::strerror(error));
  }
  {
    // Marks each (re)start in the log, so a restarted program's log reads clearly.
    const std::string banner = "### started: " + command_line() + "\n";
    [[maybe_unused]] auto ignored = ::write(log_fd, banner.data(), banner.size());
  }
  try {
    pid_ = spawn_program(argv_, null_fd, log_fd, log_fd);
  } catch (...) {
    close_descriptor(log_fd);
    close_descriptor(null_fd);
    throw;
  }
  close_descriptor(log_fd);
  close_descriptor(null_fd);
  log_watch_ = LogWatch(label_ + " log", log_file_);
}

Process::Process(Process&& other) noexcept
    : label_(std::move(other.label_)),
      argv_(std::move(other.argv_)),
      log_file_(std::move(other.log_file_)),
      pid_(std::exchange(other.pid_, -1)),
      exit_status_(std::move(other.exit_status_)),
      log_watch_(std::move(other.log_watch_)) {}

Process::~Process() {
  if (pid_ > 0 && !exit_status_) {
    try {
      kill_hard();
    } catch (...) {
      // A destructor must not throw; the process is at worst a zombie now.
    }
  }
}

bool Process::running() {
  if (exit_status_) return false;
  exit_status_ = wait_child(pid_, 0ms);
  return !exit_status_;
}

std::optional<ExitStatus> Process::wait_for_exit(std::chrono::milliseconds timeout) {
  if (!exit_status_) exit_status_ = wait_child(pid_, timeout);
  return exit_status_;
}

ExitStatus Process::stop(std::chrono::milliseconds grace) {
  if (exit_status_) return *exit_status_;
  ::kill(pid_, SIGTERM);
  if (auto status = wait_for_exit(grace)) return *status;
  return kill_hard();
}

ExitStatus Process::kill_hard() {
  if (exit_status_) return *exit_status_;
  ::kill(pid_, SIGKILL);
  exit_status_ = wait_child(pid_, 10s);
  if (!exit_status_)
    throw std::runtime_error(label_ + " (pid " + std::to_string(pid_) + ") survived SIGKILL");
  return *exit_status_;
}

void become_child_subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 1); }

bool process_is_gone(pid_t pid) {
  int status = 0;
  const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
  if (reaped == pid) return true;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  // "pid (comm) S ...": the state follows the last ')'.
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

bool terminate_process(pid_t pid, std::chrono::milliseconds grace) {
  if (pid <= 0 || process_is_gone(pid)) return true;
  ::kill(pid, SIGTERM);
  const auto poll_until_gone = [pid](std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!process_is_gone(pid)) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  };
  if (poll_until_gone(grace)) return true;
  ::kill(pid, SIGKILL);
  return poll_until_gone(5s);
}

std::string process_command_line(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char& c : raw) {
    if (c == '\0') c = ' ';
  }
  return raw;
}

}  // namespace edgehub::itest

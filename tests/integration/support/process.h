// A program a test started, stopped at the latest when the object goes away.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/diagnostics.h"

namespace edgehub::itest {

struct ExitStatus {
  int code = -1;   // the exit code, when the program exited by itself
  int signal = 0;  // the signal that ended it, 0 when it exited by itself

  bool exited_with(int expected_code) const { return signal == 0 && code == expected_code; }
  std::string describe() const;  // "exit code 3" / "killed by signal 9"
};

ExitStatus exit_status_from_wait(int wait_status);

// Forks and executes argv (argv[0] is a path), with the given descriptors as
// stdin, stdout and stderr. The child is killed when the test process dies
// (PR_SET_PDEATHSIG), so a test killed by a timeout leaves nothing behind but
// what its children spawned themselves.
pid_t spawn_program(const std::vector<std::string>& argv, int stdin_fd, int stdout_fd,
                    int stderr_fd);

std::string shell_quoted(const std::vector<std::string>& argv);

class Process {
 public:
  // Starts the program; stdin is /dev/null, stdout and stderr are appended to
  // log_file, whose tail is printed if the test fails.
  Process(std::string label, std::vector<std::string> argv, std::filesystem::path log_file);
  ~Process();  // kills (SIGKILL) and reaps the program if it still runs
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) = delete;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& label() const { return label_; }
  const std::filesystem::path& log_file() const { return log_file_; }
  std::string command_line() const { return shell_quoted(argv_); }
  std::string log_tail(std::size_t lines = 40) const { return tail_of_file(log_file_, lines); }

  bool running();
  // The exit status, if the program has ended within `timeout`.
  std::optional<ExitStatus> wait_for_exit(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL if it has not ended after `grace`.
  ExitStatus stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  // SIGKILL: what a crash or power cut looks like to the program.
  ExitStatus kill_hard();

 private:
  std::string label_;
  std::vector<std::string> argv_;
  std::filesystem::path log_file_;
  pid_t pid_ = -1;
  std::optional<ExitStatus> exit_status_;
  LogWatch log_watch_;
};

// Makes this process the reaper of orphaned descendants (PR_SET_CHILD_SUBREAPER):
// the broker hubd started stays reapable by the test after hubd is killed.
void become_child_subreaper();

// True once `pid` no longer runs: reaped here, gone, or a zombie of someone else.
bool process_is_gone(pid_t pid);

// Ends a process the test did not start itself (the broker hubd supervises):
// SIGTERM, then SIGKILL after `grace`. Returns false if it still runs after that.
bool terminate_process(pid_t pid, std::chrono::milliseconds grace = std::chrono::seconds(5));

// The process's command line, arguments separated by spaces ("" if it is gone).
std::string process_command_line(pid_t pid);

}  // namespace edgehub::itest

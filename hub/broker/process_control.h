// Starting, watching and stopping an external program (the broker) by pid.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgehub::hub {

// Starts argv[0] with argv in a new session (no controlling terminal, its own
// process group: a Ctrl-C or a kill of hubd's process group does not reach
// it), stdin from /dev/null, stdout and stderr appended to output_file, no
// inherited descriptors, default signal mask and dispositions. There is no
// parent-death signal: the program outlives hubd on purpose. Throws
// std::runtime_error if it cannot be started.
pid_t spawn_detached_process(const std::vector<std::string>& argv,
                             const std::filesystem::path& output_file);

// Gives a running process an open-files limit (RLIMIT_NOFILE, via prlimit)
// of wanted: the soft limit, and the hard limit too when wanted is above it
// and this process may raise it (root / CAP_SYS_RESOURCE); otherwise the
// soft limit becomes the hard one. Never lowers a limit. Returns the soft
// limit now in force, or an error saying why none could be set.
struct OpenFilesLimit {
  std::uint64_t soft = 0;
  std::uint64_t hard = 0;
};
std::optional<OpenFilesLimit> raise_open_files_limit(pid_t pid, std::uint64_t wanted,
                                                     std::string& error);

// The process exists and is not a zombie.
bool process_is_running(pid_t pid);

// One of the process's arguments (/proc/<pid>/cmdline) is exactly argument.
bool process_has_argument(pid_t pid, std::string_view argument);

// For a child of this process: its wait status if it has exited (reaped),
// nullopt while it runs.
std::optional<int> reap_child_if_exited(pid_t child);

// "exited with status 1", "killed by signal 9".
std::string describe_wait_status(int wait_status);

// SIGTERM, then SIGKILL if it still runs after grace. is_child: reap it
// (waitpid) rather than poll. Returns true if it is gone.
bool terminate_process(pid_t pid, bool is_child, std::chrono::milliseconds grace);

}  // namespace edgehub::hub

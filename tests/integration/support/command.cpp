#include "support/command.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace edgehub::itest {
namespace {

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read_end >= 0) ::close(read_end);
    read_end = -1;
  }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
};

// Reads what is available; false at end of file.
bool drain(int fd, std::string& into) {
  char buffer[8192];
  const ssize_t n = ::read(fd, buffer, sizeof(buffer));
  if (n > 0) {
    into.append(buffer, static_cast<std::size_t>(n));
    return true;
  }
  return n < 0 && (errno == EINTR || errno == EAGAIN);
}

}  // namespace

std::string CommandResult::describe() const {
  std::string text = "$ " + command_line + "\n-> " + (timed_out ? "TIMED OUT, " : "") +
                     status.describe() + " after " + std::to_string(elapsed.count()) + " ms\n";
  text += "stdout:\n" + out + (out.empty() || out.back() == '\n' ? "" : "\n");
  text += "stderr:\n" + err + (err.empty() || err.back() == '\n' ? "" : "\n");
  return text;
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  CommandResult result;
  result.command_line = shell_quoted(argv);
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + timeout;

  Pipe out;
  Pipe err;
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t pid = -1;
  try {
    pid = spawn_program(argv, null_fd, out.write_end, err.write_end);
  } catch (...) {
    ::close(null_fd);
    throw;
  }
  ::close(null_fd);
  out.close_write();
  err.close_write();

  bool out_open = true;
  bool err_open = true;
  while (out_open || err_open) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd fds[2] = {{out_open ? out.read_end : -1, POLLIN, 0},
                     {err_open ? err.read_end : -1, POLLIN, 0}};
    const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    const int ready = ::poll(fds, 2, static_cast<int>(remaining.count()) + 1);
    if (ready < 0 && errno != EINTR) break;
    if (fds[0].revents != 0) out_open = drain(out.read_end, result.out);
    if (fds[1].revents != 0) err_open = drain(err.read_end, result.err);
  }
  // The output is complete; the program may still be finishing (or was killed).
  int wait_status = 0;
  for (;;) {
    const pid_t reaped = ::waitpid(pid, &wait_status, WNOHANG);
    if (reaped == pid || (reaped < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= deadline && !result.timed_out) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
    }
    ::usleep(2000);
  }
  result.status = exit_status_from_wait(wait_status);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return result;
}

CommandResult run_command_checked(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout) {
  auto result = run_command(argv, timeout);
  if (!result.exited_with(0)) throw std::runtime_error("command failed:\n" + result.describe());
  return result;
}

}  // namespace edgehub::itest

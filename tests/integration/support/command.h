// Running a short-lived program (hubctl, mosquitto_pub, openssl) to completion
// and capturing what a user would see: stdout, stderr, exit status, duration.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "support/process.h"

namespace edgehub::itest {

struct CommandResult {
  std::string command_line;
  ExitStatus status;
  bool timed_out = false;  // killed by run_command after its timeout
  std::string out;
  std::string err;
  std::chrono::milliseconds elapsed{0};

  bool exited_with(int code) const { return !timed_out && status.exited_with(code); }
  std::string combined_output() const { return out + err; }
  // Everything about the run, for INFO() and failure messages.
  std::string describe() const;
};

// Runs argv (argv[0] is a path) with stdin from /dev/null; kills it after `timeout`.
CommandResult run_command(const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Throws (with describe()) unless the command exited with 0.
CommandResult run_command_checked(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace edgehub::itest

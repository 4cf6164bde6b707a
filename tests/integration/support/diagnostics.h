// Making an integration test failure diagnosable from the CI log alone.
//
// A doctest listener records whether the running test case has failed. Logs a
// test produces (every Process's output, mosquitto's log) are watched: when the
// watch ends (the process or fixture goes away at the end of the test) and the
// test has failed or is unwinding from an exception, the tail of the log is
// printed. Test files are kept on failure (see TempDir).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace edgehub::itest {

// True if an assertion of the running test case failed, or an exception is
// propagating right now.
bool current_test_failed();

// The last `lines` lines of a text file ("" if it does not exist).
std::string tail_of_file(const std::filesystem::path& path, std::size_t lines = 40);

// Prints the tail of `path` under a heading naming `label`.
void print_log_tail(const std::string& label, const std::filesystem::path& path,
                    std::size_t lines = 40);

// While alive, `path` is a log of interest: its tail is printed when the watch
// ends if the test failed.
class LogWatch {
 public:
  LogWatch() = default;
  LogWatch(std::string label, std::filesystem::path path);
  ~LogWatch();
  LogWatch(LogWatch&& other) noexcept;
  LogWatch& operator=(LogWatch&& other) noexcept;
  LogWatch(const LogWatch&) = delete;
  LogWatch& operator=(const LogWatch&) = delete;

  // Prints now if the test failed (used by owners that delete the file).
  void report_if_failed();

 private:
  std::string label_;
  std::filesystem::path path_;
  bool reported_ = false;
};

}  // namespace edgehub::itest

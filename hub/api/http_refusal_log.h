// Logs each kind of refusal of the HTTP front (a limit that was hit) at most
// once per interval with a count of the ones in between, so that a flood of
// abusive connections cannot flood the log as well.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace edgehub::hub {

class HttpRefusalLog {
 public:
  explicit HttpRefusalLog(std::chrono::seconds interval = std::chrono::seconds(10))
      : interval_(interval) {}

  // limit: a short stable name ("head_too_large"); detail: what happened.
  void note(const std::string& limit, const std::string& detail);
  // Times `limit` was hit since the server started (tests, diagnostics).
  std::size_t count(const std::string& limit) const;

 private:
  struct Entry {
    std::size_t total = 0;
    std::size_t unlogged = 0;
    std::chrono::steady_clock::time_point logged_at{};
  };
  std::chrono::seconds interval_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace edgehub::hub

#include "api/http_refusal_log.h"

#include <spdlog/spdlog.h>

namespace edgehub::hub {

void HttpRefusalLog::note(const std::string& limit, const std::string& detail) {
  const auto now = std::chrono::steady_clock::now();
  std::size_t unlogged = 0;
  {
    std::lock_guard lock(mutex_);
    Entry& entry = entries_[limit];
    ++entry.total;
    if (entry.total > 1 && now - entry.logged_at < interval_) {
      ++entry.unlogged;
      return;
    }
    unlogged = entry.unlogged;
    entry.unlogged = 0;
    entry.logged_at = now;
  }
  if (unlogged > 0) {
    spdlog::warn("http: limit {} hit: {} ({} more since the last report)", limit, detail, unlogged);
  } else {
    spdlog::warn("http: limit {} hit: {}", limit, detail);
  }
}

std::size_t HttpRefusalLog::count(const std::string& limit) const {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(limit);
  return found == entries_.end() ? 0 : found->second.total;
}

}  // namespace edgehub::hub

#include "offline_plan.h"

#include <algorithm>

namespace edgehub::sim {

std::uint64_t OfflinePlan::draw_online_ms(RandomSource& random) const {
  return std::max<std::uint64_t>(1, jittered(random, online_ms, jitter_ms));
}

std::uint64_t OfflinePlan::draw_offline_ms(RandomSource& random) const {
  return std::max<std::uint64_t>(1, jittered(random, offline_ms, jitter_ms));
}

const char* offline_mode_name(OfflineMode mode) noexcept {
  return mode == OfflineMode::drop ? "drop" : "disconnect";
}

bool parse_offline_mode(std::string_view text, OfflineMode* mode) noexcept {
  if (text == "drop") {
    *mode = OfflineMode::drop;
  } else if (text == "disconnect") {
    *mode = OfflineMode::disconnect;
  } else {
    return false;
  }
  return true;
}

}  // namespace edgehub::sim

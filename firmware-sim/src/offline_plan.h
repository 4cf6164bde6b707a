// When simulated devices go offline and come back (--offline-every,
// --offline-for, --offline-jitter, --offline-mode): each device stays online
// for `online_ms` (+- jitter) after every connect, then goes offline for
// `offline_ms` (+- jitter) and connects again. Jitter is drawn per device and
// per period, so a fleet does not drop in step.
#pragma once

#include <cstdint>
#include <string_view>

#include "random_source.h"

namespace edgehub::sim {

enum class OfflineMode {
  drop,        // the connection just ends (no DISCONNECT): what a power or network loss looks like
  disconnect,  // MQTT DISCONNECT, then the connection is closed: a device that goes to sleep
};

struct OfflinePlan {
  std::uint64_t online_ms = 0;  // 0: never goes offline
  std::uint64_t offline_ms = 5'000;
  std::uint64_t jitter_ms = 0;
  OfflineMode mode = OfflineMode::drop;

  bool enabled() const noexcept { return online_ms != 0; }
  // How long to stay online after this connect (at least 1 ms).
  std::uint64_t draw_online_ms(RandomSource& random) const;
  // How long to stay offline this time (at least 1 ms).
  std::uint64_t draw_offline_ms(RandomSource& random) const;
};

// "drop" / "disconnect".
const char* offline_mode_name(OfflineMode mode) noexcept;
bool parse_offline_mode(std::string_view text, OfflineMode* mode) noexcept;

}  // namespace edgehub::sim

// Turns new rows of the registry's revocations table into "disconnect this
// identity now", asking SQLite at most once per interval however often the
// broker ticks.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mosquitto-plugin/registry_reader.h"

namespace edgehub::hub::mosquitto_auth {

class RevocationPoller {
 public:
  using Clock = std::chrono::steady_clock;

  struct Outcome {
    std::vector<std::string> revoked;  // identities to disconnect, oldest first
    std::optional<std::string> error;  // the poll failed; it is retried next interval
  };

  // last_seen_id: the newest revocation that needs no action (the one there
  // was when the broker started: nobody is connected yet).
  RevocationPoller(RegistryReader& registry, std::chrono::milliseconds interval,
                   std::int64_t last_seen_id);

  // Polls if interval has passed since the last poll (or none happened yet).
  Outcome poll_if_due(Clock::time_point now);

  std::int64_t last_seen_id() const noexcept { return last_seen_id_; }

 private:
  RegistryReader& registry_;
  std::chrono::milliseconds interval_;
  std::int64_t last_seen_id_;
  std::optional<Clock::time_point> last_poll_;
};

}  // namespace edgehub::hub::mosquitto_auth

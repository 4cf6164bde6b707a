#include "mosquitto-plugin/revocation_poller.h"

namespace edgehub::hub::mosquitto_auth {

RevocationPoller::RevocationPoller(RegistryReader& registry, std::chrono::milliseconds interval,
                                   std::int64_t last_seen_id)
    : registry_(registry), interval_(interval), last_seen_id_(last_seen_id) {}

RevocationPoller::Outcome RevocationPoller::poll_if_due(Clock::time_point now) {
  Outcome outcome;
  if (last_poll_ && now - *last_poll_ < interval_) return outcome;
  last_poll_ = now;
  auto revocations = registry_.revocations_after(last_seen_id_);
  if (!revocations) {
    outcome.error = revocations.error().message;
    return outcome;
  }
  for (Revocation& revocation : revocations.value()) {
    if (revocation.id > last_seen_id_) last_seen_id_ = revocation.id;
    outcome.revoked.push_back(std::move(revocation.device_id));
  }
  return outcome;
}

}  // namespace edgehub::hub::mosquitto_auth

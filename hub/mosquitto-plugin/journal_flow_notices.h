// Flow notices for devices whose telemetry the broker journal refuses
// (docs/protocol.md section 3.2, "The journal cannot take telemetry"). Pure:
// time is passed in, the caller publishes.
//
// A refused device is disconnected by the broker in the same loop iteration
// (MOSQ_ERR_ERRNO from MOSQ_EVT_MESSAGE), so a notice published to it then
// reaches only a persistent session; a clean session is gone before
// mosquitto 2.0.11 routes plugin messages (README.md, "Flow notices"). So a
// refused device is *owed* a "paused" notice, and gets it when it connects
// again (right after its CONNACK, before it can resend anything), whatever
// its session. At most one "paused" per device per retry_after.
//
// "resumed" goes to every device in the set once the journal takes writes
// again: a telemetry write succeeded after the last refusal (any cause), or,
// when every refusal since the pause was over the budget, the budget has
// room again (the caller's measure, with a margin). Without that evidence a
// device learns of recovery by retrying after retry_after (the SDK does).
//
// The set is bounded: a device refused while it is full gets no notice (it
// retries as before: reconnect backoff, connects-per-minute limit).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mosquitto-plugin/token_bucket.h"

namespace edgehub::hub::mosquitto_auth {

inline constexpr std::chrono::milliseconds kDefaultJournalRetryAfter{5000};
// As many as the broker lets connect by default (hubd --broker-max-connections).
inline constexpr std::size_t kMaxPausedDevices = 20000;

enum class JournalRefusal : std::uint8_t {
  over_budget,  // the journal's disk budget is used up (hubd down or behind)
  write_failed  // not open, disk full, read-only, I/O error: only a write proves recovery
};

class JournalFlowNotices {
 public:
  explicit JournalFlowNotices(std::chrono::milliseconds retry_after = kDefaultJournalRetryAfter,
                              std::size_t max_devices = kMaxPausedDevices);

  // A device's telemetry was refused. false: the set is full, not tracked.
  bool refused(std::string_view device, JournalRefusal cause, SteadyTime now);
  // A telemetry write succeeded: the journal takes writes.
  void written();
  // An admitted device connected. true: send it the paused notice now.
  bool connected(std::string_view device, SteadyTime now);
  // Once a second. budget_has_room: the journal's usage is well below its
  // budget. The devices to send "resumed" to (the set is then empty), or
  // none while the journal has not recovered.
  std::vector<std::string> resume_if_recovered(bool budget_has_room);

  std::size_t paused_devices() const { return devices_.size(); }
  std::chrono::milliseconds retry_after() const { return retry_after_; }

  // {"state":"paused","reason":"journal_unavailable","retry_after_ms":N}
  std::string paused_notice() const;
  // {"state":"resumed","reason":"journal_unavailable"}
  static std::string_view resumed_notice();

 private:
  struct PausedDevice {
    bool owed = false;           // a paused notice is due at its next connect
    bool ever_notified = false;  // last_notice is set
    SteadyTime last_notice{};
  };
  std::chrono::milliseconds retry_after_;
  std::size_t max_devices_;
  std::map<std::string, PausedDevice, std::less<>> devices_;
  bool written_since_refusal_ = false;
  bool write_failed_since_pause_ = false;  // budget room alone is no evidence then
};

}  // namespace edgehub::hub::mosquitto_auth

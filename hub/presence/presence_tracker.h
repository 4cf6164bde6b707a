// Which devices are connected right now, from the broker plugin's events
// (presence_event.h), kept durably (<data-dir>/presence.db) so that a
// restarted hubd knows who is still connected (the broker queued the events
// it missed for its persistent session). Every change is also a record in
// the `lifecycle` stream.
//
// Session takeover: a device reconnecting before the broker noticed the old
// connection's end gets "connected" (connection N+1) before "disconnected"
// (connection N); a disconnect counts only for the connection it names.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "clock/clock.h"
#include "edgehub/common/result.h"
#include "presence/device_presence.h"
#include "presence/presence_event.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

inline constexpr std::string_view kLifecycleStream = "lifecycle";

class PresenceTracker final : public DevicePresence {
 public:
  // ":memory:" keeps the state in memory only (tests). Throws
  // std::runtime_error if the file cannot be opened.
  PresenceTracker(const std::filesystem::path& file, StreamStore& lifecycle);
  ~PresenceTracker() override;

  bool is_connected(std::string_view device_id) const override;
  bool is_subscribed_to_commands(std::string_view device_id) const override;
  std::optional<DeviceConnection> connection_of(std::string_view device_id) const override;
  std::vector<DeviceConnection> all() const;

  // Applies one event; returns the devices that became connected. An error
  // means nothing was recorded durably: do not acknowledge the event. A
  // "subscribed" event of the device's current connection only marks it
  // subscribed (no record; an older connection's is ignored).
  Result<std::vector<std::string>> apply(const PresenceEvent& event);

 private:
  Status record(const DeviceConnection& state, const PresenceEvent& event, const char* what);

  struct Database;
  std::unique_ptr<Database> database_;
  StreamStore& lifecycle_;
  mutable std::mutex mutex_;
  std::map<std::string, DeviceConnection, std::less<>> devices_;
  std::uint64_t latest_run_ = 0;
};

}  // namespace edgehub::hub

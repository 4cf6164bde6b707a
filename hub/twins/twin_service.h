// Twins over MQTT (docs/protocol.md section 4.4): operators patch desired
// properties (versioned, stale patches refused); the device gets the whole
// desired document with the change on devices/<id>/desired when it changes
// and every time it connects; it reports on devices/<id>/reported.
//
// Threads: patch_desired() runs on REST threads and publishes;
// device_connected() publishes and must run off the broker's receive thread
// (hubd: the command worker); on_reported() runs on the receive thread and
// never publishes.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "clock/clock.h"
#include "mqtt/broker_connection.h"
#include "presence/device_presence.h"
#include "registry/device_registry.h"
#include "streams/stream_store.h"
#include "twins/twin_store.h"

namespace edgehub::hub {

// Twin changes stored since hubd started (metrics): operator patches to the
// desired side, device reports to the reported side.
struct TwinUpdateCounts {
  std::uint64_t desired = 0;
  std::uint64_t reported = 0;
};

class TwinService {
 public:
  // limits.max_report_bytes applies here; the document limits are the store's.
  TwinService(const DeviceRegistry& registry, TwinStore& store, BrokerConnection& broker,
              const DevicePresence& presence, StreamStore& dead_letters, const Clock& clock,
              TwinLimits limits = {});

  // not_found for an unregistered device.
  Result<Twin> get(std::string_view device_id) const;
  // invalid_argument (not an object, nested too deep, hub's id), not_found,
  // conflict (stale expected_version), too_large (the document would exceed
  // the twin limits; nothing changed). Sent to the device at once if it is
  // connected.
  Result<Twin> patch_desired(std::string_view device_id, std::string_view merge_patch_json,
                             std::optional<std::uint64_t> expected_version);
  // Sends the desired document (if one was ever set) to a device that connected.
  Status device_connected(std::string_view device_id);
  // A message on devices/<id>/reported: stored, or dead-lettered with the
  // reason (too large: checked before parsing; nested too deep; invalid;
  // stale version; the document would exceed the twin limits). An error:
  // the store failed, not stored, do not acknowledge.
  Status on_reported(std::string_view topic, std::string_view payload);

  TwinUpdateCounts update_counts() const {
    return {desired_updates_.load(), reported_updates_.load()};
  }

 private:
  Status send_desired(const Twin& twin, std::string_view patch_json);
  Status dead_letter(std::string_view topic, std::string_view device_id, std::string_view payload,
                     std::string reason);

  const DeviceRegistry& registry_;
  TwinStore& store_;
  BrokerConnection& broker_;
  const DevicePresence& presence_;
  StreamStore& dead_letters_;
  const Clock& clock_;
  TwinLimits limits_;
  std::atomic<std::uint64_t> desired_updates_{0};
  std::atomic<std::uint64_t> reported_updates_{0};
};

}  // namespace edgehub::hub

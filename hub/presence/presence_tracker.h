// Which devices are connected right now, from the broker plugin's events
// (presence_event.h), kept durably (<data-dir>/presence.db) so that a
// restarted hubd knows who is still connected (the broker queued the events
// it missed for its persistent session). Every change is also a record in
// the `lifecycle` stream.
//
// Events arrive in batches from the presence inbox (presence_inbox.h), whose
// journal position is kept in presence.db with the devices' rows: a batch is
// one lifecycle append and one presence.db transaction, however many events
// it holds.
//
// Session takeover: a device reconnecting before the broker noticed the old
// connection's end gets "connected" (connection N+1) before "disconnected"
// (connection N); a disconnect counts only for the connection it names.
//
// Errors: the constructor throws std::runtime_error (start-up); apply_batch
// returns what failed and leaves the tracker as it was.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
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

  // Applies the events in order, with the outcome of applying them one at a
  // time, and records inbox_position (the presence inbox's journal sequence
  // the batch ends at). Durable in this order: the batch's lifecycle records
  // (one append_batch; a redelivered event's are found by their seq and not
  // stored again), then the changed devices and inbox_position in one
  // presence.db transaction, then the in-memory state that readers see. An
  // error: presence.db and the in-memory state are as before (lifecycle
  // records may be stored: a retry of the batch finds them), so the batch
  // can be retried. A "subscribed" event of the device's current connection
  // only marks it subscribed (no record; an older connection's is ignored);
  // "limited" events change no presence and are ignored (DeviceLimitHits).
  // An empty batch records the position only. Calls are serialized.
  Status apply_batch(std::span<const PresenceEvent> events, std::uint64_t inbox_position);
  // The position recorded with the last batch; 0 if none.
  std::uint64_t inbox_position() const;

 private:
  struct Database;
  struct Batch;
  // Decides what the events change without changing anything.
  Batch plan(std::span<const PresenceEvent> events) const;
  Status write(const Batch& batch, std::uint64_t inbox_position);

  std::unique_ptr<Database> database_;
  StreamStore& lifecycle_;
  std::mutex apply_mutex_;    // one batch at a time; held while devices_ is read unlocked
  mutable std::mutex mutex_;  // devices_, latest_run_, inbox_position_ (changed under both)
  std::map<std::string, DeviceConnection, std::less<>> devices_;
  std::uint64_t latest_run_ = 0;
  std::uint64_t inbox_position_ = 0;
};

}  // namespace edgehub::hub

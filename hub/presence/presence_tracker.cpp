#include "presence/presence_tracker.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sqlite/open_database.h"
#include "sqlite/wal_checkpointer.h"

namespace edgehub::hub {

namespace {

// Version 1; files written before versions were kept (version 0) have the
// same table.
DatabaseSchema presence_database_schema() {
  return DatabaseSchema{
      "presence store",
      1,
      {SchemaStep{0, 1,
                  "CREATE TABLE IF NOT EXISTS presence (device_id TEXT PRIMARY KEY, connected "
                  "INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL, broker_run INTEGER NOT NULL, "
                  "connection INTEGER NOT NULL)"}}};
}

SQLite::Database opened(const std::filesystem::path& file) {
  Result<SQLite::Database> database = open_database(file, presence_database_schema());
  if (!database) throw std::runtime_error("cannot open " + database.error().message);
  return std::move(database).value();
}

}  // namespace

struct PresenceTracker::Database {
  explicit Database(const std::filesystem::path& file) : db(opened(file)) {
    // Presence is recorded on hubd's MQTT receive thread: a checkpoint inside
    // its COMMIT would hold up all incoming traffic.
    if (file != ":memory:") checkpointer = std::make_unique<WalCheckpointer>(file, db.getHandle());
  }
  SQLite::Database db;
  std::unique_ptr<WalCheckpointer> checkpointer;  // last: stopped before db closes
};

PresenceTracker::PresenceTracker(const std::filesystem::path& file, StreamStore& lifecycle)
    : database_(std::make_unique<Database>(file)), lifecycle_(lifecycle) {
  try {
    SQLite::Statement select(
        database_->db,
        "SELECT device_id, connected, last_seen_ms, broker_run, connection FROM presence");
    while (select.executeStep()) {
      DeviceConnection state;
      state.device_id = select.getColumn(0).getString();
      state.connected = select.getColumn(1).getInt() != 0;
      state.last_seen_ms = select.getColumn(2).getInt64();
      state.broker_run = static_cast<std::uint64_t>(select.getColumn(3).getInt64());
      state.connection = static_cast<std::uint64_t>(select.getColumn(4).getInt64());
      state.commands_subscribed = state.connected;
      latest_run_ = std::max(latest_run_, state.broker_run);
      devices_[state.device_id] = state;
    }
  } catch (const std::exception& failure) {
    throw std::runtime_error("cannot open presence store " + file.string() + ": " + failure.what());
  }
}

PresenceTracker::~PresenceTracker() = default;

bool PresenceTracker::is_connected(std::string_view device_id) const {
  std::lock_guard lock(mutex_);
  const auto found = devices_.find(device_id);
  return found != devices_.end() && found->second.connected;
}

bool PresenceTracker::is_subscribed_to_commands(std::string_view device_id) const {
  std::lock_guard lock(mutex_);
  const auto found = devices_.find(device_id);
  return found != devices_.end() && found->second.connected && found->second.commands_subscribed;
}

std::optional<DeviceConnection> PresenceTracker::connection_of(std::string_view device_id) const {
  std::lock_guard lock(mutex_);
  const auto found = devices_.find(device_id);
  if (found == devices_.end()) return std::nullopt;
  return found->second;
}

std::vector<DeviceConnection> PresenceTracker::all() const {
  std::lock_guard lock(mutex_);
  std::vector<DeviceConnection> result;
  for (const auto& [id, state] : devices_) result.push_back(state);
  return result;
}

Status PresenceTracker::record(const DeviceConnection& state, const PresenceEvent& event,
                               const char* what) {
  try {
    SQLite::Statement upsert(database_->db,
                             "INSERT OR REPLACE INTO presence (device_id, connected, last_seen_ms, "
                             "broker_run, connection) VALUES (?1, ?2, ?3, ?4, ?5)");
    upsert.bind(1, state.device_id);
    upsert.bind(2, state.connected ? 1 : 0);
    upsert.bind(3, state.last_seen_ms);
    upsert.bind(4, static_cast<std::int64_t>(state.broker_run));
    upsert.bind(5, static_cast<std::int64_t>(state.connection));
    upsert.exec();
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("presence store: cannot record a change: ") + failure.what());
  }
  NewRecord record;
  record.stream = std::string(kLifecycleStream);
  record.received_at_ms = event.at_ms;
  record.device_id = state.device_id;
  // The plugin's sequence number: a redelivered event is stored once.
  record.seq = event.seq;
  record.topic = std::string(kPresenceTopicPrefix) + state.device_id;
  record.payload = nlohmann::json{{"event", what},
                                  {"at_ms", event.at_ms},
                                  {"broker_run", event.broker_run},
                                  {"connection", state.connection}}
                       .dump();
  auto appended = lifecycle_.append(record);
  if (!appended) return appended.error();
  return ok_status();
}

Result<std::vector<std::string>> PresenceTracker::apply(const PresenceEvent& event) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> came_online;
  if (event.kind == PresenceEvent::Kind::subscribed) {
    const auto found = devices_.find(event.device_id);
    if (event.subscribed_to == "commands" && found != devices_.end() && found->second.connected &&
        found->second.broker_run == event.broker_run &&
        found->second.connection == event.connection) {
      found->second.commands_subscribed = true;
    }
    return came_online;
  }
  // A new broker run (announced, or seen first in a connect whose "started"
  // event was lost with the old broker's state): nobody from an earlier run
  // is connected any more.
  if (event.kind == PresenceEvent::Kind::broker_started || event.broker_run > latest_run_) {
    for (auto& [id, state] : devices_) {
      if (!state.connected || state.broker_run >= event.broker_run) continue;
      DeviceConnection changed = state;
      changed.connected = false;
      changed.commands_subscribed = false;
      changed.last_seen_ms = event.at_ms;
      if (Status done = record(changed, event, "disconnected"); !done) return done.error();
      state = changed;
    }
    latest_run_ = std::max(latest_run_, event.broker_run);
    if (event.kind == PresenceEvent::Kind::broker_started) return came_online;
  }
  DeviceConnection changed;
  if (const auto found = devices_.find(event.device_id); found != devices_.end()) {
    changed = found->second;
  }
  changed.device_id = event.device_id;
  if (event.kind == PresenceEvent::Kind::connected) {
    // A new connection has no subscription yet (a redelivered event of the
    // current one keeps it).
    const bool same_connection = changed.connected && changed.broker_run == event.broker_run &&
                                 changed.connection == event.connection;
    if (!same_connection) changed.commands_subscribed = false;
    changed.connected = true;
    changed.broker_run = event.broker_run;
    changed.connection = event.connection;
    changed.last_seen_ms = event.at_ms;
    came_online.push_back(event.device_id);
  } else {
    // The end of an older connection (session takeover): nothing changes.
    if (changed.broker_run != event.broker_run || changed.connection != event.connection) {
      return came_online;
    }
    changed.connected = false;
    changed.commands_subscribed = false;
    changed.last_seen_ms = event.at_ms;
  }
  if (Status done = record(changed, event, to_string(event.kind)); !done) return done.error();
  devices_[event.device_id] = changed;
  return came_online;
}

}  // namespace edgehub::hub

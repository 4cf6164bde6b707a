#include "presence/presence_tracker.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "sqlite/open_database.h"
#include "sqlite/wal_checkpointer.h"

namespace edgehub::hub {

namespace {

// Version 2 adds the presence inbox's journal position (one row). Files
// written before versions were kept (version 0) have the presence table.
DatabaseSchema presence_database_schema() {
  return DatabaseSchema{
      "presence store",
      2,
      {SchemaStep{0, 1,
                  "CREATE TABLE IF NOT EXISTS presence (device_id TEXT PRIMARY KEY, connected "
                  "INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL, broker_run INTEGER NOT NULL, "
                  "connection INTEGER NOT NULL)"},
       SchemaStep{1, 2,
                  "CREATE TABLE inbox_position (id INTEGER PRIMARY KEY CHECK (id = 1), "
                  "applied INTEGER NOT NULL)"}}};
}

SQLite::Database open_presence_database(const std::filesystem::path& file) {
  Result<SQLite::Database> database = open_database(file, presence_database_schema());
  if (!database) throw std::runtime_error("cannot open " + database.error().message);
  return std::move(database).value();
}

// seq: the plugin's sequence number of the event, so that a redelivered
// event is stored once.
NewRecord lifecycle_record(const DeviceConnection& state, const PresenceEvent& event,
                           const char* what, std::uint64_t seq) {
  NewRecord record;
  record.stream = std::string(kLifecycleStream);
  record.received_at_ms = event.at_ms;
  record.device_id = state.device_id;
  record.seq = seq;
  record.topic = std::string(kPresenceTopicPrefix) + state.device_id;
  record.payload = nlohmann::json{{"event", what},
                                  {"at_ms", event.at_ms},
                                  {"broker_run", event.broker_run},
                                  {"connection", state.connection}}
                       .dump();
  return record;
}

}  // namespace

struct PresenceTracker::Database {
  explicit Database(const std::filesystem::path& file)
      : db(open_presence_database(file)),
        upsert(db,
               "INSERT OR REPLACE INTO presence (device_id, connected, last_seen_ms, broker_run, "
               "connection) VALUES (?1, ?2, ?3, ?4, ?5)"),
        save_position(db, "INSERT OR REPLACE INTO inbox_position (id, applied) VALUES (1, ?1)") {
    // Batches are committed on the presence inbox's thread; a checkpoint
    // inside its COMMIT would hold up every batch behind it.
    if (file != ":memory:") checkpointer = std::make_unique<WalCheckpointer>(file, db.getHandle());
  }
  SQLite::Database db;
  SQLite::Statement upsert;
  SQLite::Statement save_position;
  std::unique_ptr<WalCheckpointer> checkpointer;  // last: stopped before db closes
};

// What a batch changes, decided before anything is written.
struct PresenceTracker::Batch {
  // The devices' states after the batch (only those the batch touched).
  std::map<std::string, DeviceConnection, std::less<>> changed;
  // Of those, the ones whose row changes (not only the subscription flag).
  std::set<std::string, std::less<>> rows;
  std::vector<NewRecord> records;
  std::uint64_t latest_run = 0;

  const DeviceConnection* state_of(const PresenceTracker& tracker, std::string_view id) const {
    if (const auto found = changed.find(id); found != changed.end()) return &found->second;
    if (const auto found = tracker.devices_.find(id); found != tracker.devices_.end()) {
      return &found->second;
    }
    return nullptr;
  }
  void set(DeviceConnection state, bool row) {
    if (row) rows.insert(state.device_id);
    std::string id = state.device_id;
    changed.insert_or_assign(std::move(id), std::move(state));
  }
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
    SQLite::Statement position(database_->db, "SELECT applied FROM inbox_position WHERE id = 1");
    if (position.executeStep()) {
      inbox_position_ = static_cast<std::uint64_t>(position.getColumn(0).getInt64());
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

std::uint64_t PresenceTracker::inbox_position() const {
  std::lock_guard lock(mutex_);
  return inbox_position_;
}

// Reads devices_ without mutex_: only apply_batch (under apply_mutex_)
// changes it.
PresenceTracker::Batch PresenceTracker::plan(std::span<const PresenceEvent> events) const {
  Batch batch;
  batch.latest_run = latest_run_;
  for (const PresenceEvent& event : events) {
    if (event.kind == PresenceEvent::Kind::limited) continue;
    if (event.kind == PresenceEvent::Kind::subscribed) {
      const DeviceConnection* current = batch.state_of(*this, event.device_id);
      if (event.subscribed_to == "commands" && current != nullptr && current->connected &&
          current->broker_run == event.broker_run && current->connection == event.connection) {
        DeviceConnection changed = *current;
        changed.commands_subscribed = true;
        batch.set(std::move(changed), false);
      }
      continue;
    }
    // A new broker run (announced, or seen first in a connect whose "started"
    // event was lost with the old broker's state): nobody from an earlier run
    // is connected any more.
    if (event.kind == PresenceEvent::Kind::broker_started || event.broker_run > batch.latest_run) {
      std::vector<DeviceConnection> ended;
      auto end_if_earlier = [&](const DeviceConnection& state) {
        if (!state.connected || state.broker_run >= event.broker_run) return;
        DeviceConnection changed = state;
        changed.connected = false;
        changed.commands_subscribed = false;
        changed.last_seen_ms = event.at_ms;
        ended.push_back(std::move(changed));
      };
      // In device order, each device's latest state (as one event at a time would).
      auto known = devices_.begin();
      auto touched = batch.changed.begin();
      while (known != devices_.end() || touched != batch.changed.end()) {
        if (touched == batch.changed.end() ||
            (known != devices_.end() && known->first < touched->first)) {
          end_if_earlier(known->second);
          ++known;
          continue;
        }
        if (known != devices_.end() && known->first == touched->first) ++known;
        end_if_earlier(touched->second);
        ++touched;
      }
      // The ends the new run implies come just before the event that showed
      // it: seq - 1, which no record of theirs can have (an earlier event of
      // this run would have ended them already). With the event's own seq, a
      // device whose connect showed the new run had its "disconnected" and
      // "connected" share one (device, seq), and the second was dropped.
      for (DeviceConnection& changed : ended) {
        batch.records.push_back(lifecycle_record(changed, event, "disconnected", event.seq - 1));
        batch.set(std::move(changed), true);
      }
      batch.latest_run = std::max(batch.latest_run, event.broker_run);
      if (event.kind == PresenceEvent::Kind::broker_started) continue;
    }
    DeviceConnection changed;
    if (const DeviceConnection* current = batch.state_of(*this, event.device_id)) {
      changed = *current;
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
    } else {
      // The end of an older connection (session takeover): nothing changes.
      if (changed.broker_run != event.broker_run || changed.connection != event.connection) {
        continue;
      }
      changed.connected = false;
      changed.commands_subscribed = false;
      changed.last_seen_ms = event.at_ms;
    }
    batch.records.push_back(lifecycle_record(changed, event, to_string(event.kind), event.seq));
    batch.set(std::move(changed), true);
  }
  return batch;
}

Status PresenceTracker::write(const Batch& batch, std::uint64_t inbox_position) {
  // The lifecycle first: a batch whose presence.db commit fails is retried,
  // and its records are then found by their seq.
  if (!batch.records.empty()) {
    auto appended = lifecycle_.append_batch(batch.records);
    if (!appended) return appended.error();
  }
  Database& database = *database_;
  try {
    SQLite::Transaction transaction(database.db);
    for (const std::string& id : batch.rows) {
      const DeviceConnection& state = batch.changed.find(id)->second;
      database.upsert.reset();
      database.upsert.bind(1, state.device_id);
      database.upsert.bind(2, state.connected ? 1 : 0);
      database.upsert.bind(3, state.last_seen_ms);
      database.upsert.bind(4, static_cast<std::int64_t>(state.broker_run));
      database.upsert.bind(5, static_cast<std::int64_t>(state.connection));
      database.upsert.exec();
    }
    database.save_position.reset();
    database.save_position.bind(1, static_cast<std::int64_t>(inbox_position));
    database.save_position.exec();
    transaction.commit();
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("presence store: cannot record a change: ") + failure.what());
  }
  return ok_status();
}

Status PresenceTracker::apply_batch(std::span<const PresenceEvent> events,
                                    std::uint64_t inbox_position) {
  std::lock_guard apply_lock(apply_mutex_);
  Batch batch = plan(events);
  if (Status written = write(batch, inbox_position); !written) return written;
  std::lock_guard lock(mutex_);
  for (auto& [id, state] : batch.changed) devices_.insert_or_assign(id, std::move(state));
  latest_run_ = batch.latest_run;
  inbox_position_ = inbox_position;
  return ok_status();
}

}  // namespace edgehub::hub

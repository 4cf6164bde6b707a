// The SQLite schema of streams.db and the statements SqliteStreamStore runs.
// Internal to hub/streams: other modules go through StreamStore.
//
// Records of a stream always hold the contiguous offsets
// [first_offset, next_offset): offsets are assigned from streams.next_offset
// inside the write transaction, so a crash can neither skip nor reuse one,
// and only the oldest records may ever be deleted (retention).
#pragma once

namespace edgehub::hub::stream_schema {

inline constexpr int kVersion = 1;

inline constexpr const char* kCreateStatements = R"sql(
CREATE TABLE IF NOT EXISTS streams (
  name            TEXT PRIMARY KEY,
  next_offset     INTEGER NOT NULL,
  created_at_ms   INTEGER NOT NULL   -- received_at_ms of the record that created it
);
CREATE TABLE IF NOT EXISTS records (
  stream          TEXT NOT NULL,
  offset          INTEGER NOT NULL,
  received_at_ms  INTEGER NOT NULL,
  device_id       TEXT NOT NULL,
  seq             INTEGER,           -- uint64 stored bit for bit as int64
  topic           TEXT NOT NULL,
  payload         BLOB NOT NULL,     -- exact bytes, also when not UTF-8
  reason          TEXT,
  PRIMARY KEY (stream, offset)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS records_by_device_seq
  ON records (stream, device_id, seq) WHERE seq IS NOT NULL;
)sql";

inline constexpr const char* kFindDuplicate =
    "SELECT offset FROM records WHERE stream = ?1 AND device_id = ?2 AND seq = ?3";
inline constexpr const char* kFindStream = "SELECT next_offset FROM streams WHERE name = ?1";
inline constexpr const char* kCreateStream =
    "INSERT INTO streams (name, next_offset, created_at_ms) VALUES (?1, 0, ?2)";
inline constexpr const char* kUpdateNextOffset =
    "UPDATE streams SET next_offset = ?2 WHERE name = ?1";
inline constexpr const char* kInsertRecord =
    "INSERT INTO records (stream, offset, received_at_ms, device_id, seq, topic, payload, reason) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
inline constexpr const char* kReadRecords =
    "SELECT offset, received_at_ms, device_id, seq, topic, payload, reason FROM records "
    "WHERE stream = ?1 AND offset >= ?2 ORDER BY offset LIMIT ?3";
inline constexpr const char* kListStreams =
    "SELECT name, next_offset, (SELECT min(offset) FROM records WHERE stream = streams.name) "
    "FROM streams ORDER BY name";

}  // namespace edgehub::hub::stream_schema

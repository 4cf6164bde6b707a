// The SQLite schema of streams.db and the statements SqliteStreamStore runs.
// Internal to hub/streams: other modules go through StreamStore.
//
// Records of a stream always hold the contiguous offsets
// [first_offset, next_offset): offsets are assigned from streams.next_offset
// inside the write transaction, so a crash can neither skip nor reuse one,
// and only the oldest records are ever deleted (retention), moving
// first_offset forward in the same transaction. total_bytes is the sum of
// length(payload) of the retained records, kept in step the same way.
#pragma once

#include <string>

#include "sqlite/database_schema.h"

namespace edgehub::hub::stream_schema {

// 1: streams (name, next_offset, created_at_ms) and records. 2: retention
// columns, records_by_time, consumer_groups. 3: source_positions (created
// by version 2 code too, without a version change: a version 2 file may or
// may not have it). 4: stream_cursors (exports).
inline constexpr int kVersion = 4;

// The tables of version 2.
inline constexpr const char* kCreateStatements = R"sql(
CREATE TABLE IF NOT EXISTS streams (
  name            TEXT PRIMARY KEY,
  next_offset     INTEGER NOT NULL,
  created_at_ms   INTEGER NOT NULL,  -- received_at_ms of the record that created it
  first_offset    INTEGER NOT NULL DEFAULT 0,
  total_bytes     INTEGER NOT NULL DEFAULT 0,
  max_age_ms      INTEGER,           -- NULL: no limit
  max_bytes       INTEGER,
  max_records     INTEGER,
  when_full       TEXT NOT NULL DEFAULT 'delete-oldest'
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
CREATE INDEX IF NOT EXISTS records_by_time ON records (stream, received_at_ms, offset);
CREATE TABLE IF NOT EXISTS consumer_groups (
  group_name        TEXT NOT NULL,
  stream            TEXT NOT NULL,
  committed_offset  INTEGER NOT NULL,  -- the next offset the group will process
  updated_at_ms     INTEGER NOT NULL,
  PRIMARY KEY (stream, group_name)
) WITHOUT ROWID;
)sql";

// Version 3. How far a writer that replays a source (hubd's ingest journal)
// has applied it, written in the same transaction as the records.
inline constexpr const char* kCreateSourcePositions = R"sql(
CREATE TABLE IF NOT EXISTS source_positions (
  source    TEXT PRIMARY KEY,
  position  INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 4. Exports' positions, holds and definitions (StreamCursor): in
// this file, so that retention decides what to delete where the positions
// are committed.
inline constexpr const char* kCreateStreamCursors = R"sql(
CREATE TABLE IF NOT EXISTS stream_cursors (
  name             TEXT PRIMARY KEY,
  stream           TEXT NOT NULL,
  position         INTEGER NOT NULL,  -- the next offset the reader will process
  holds_retention  INTEGER NOT NULL,  -- 1: retention keeps offsets >= position
  skipped          INTEGER NOT NULL,
  definition       TEXT NOT NULL,
  updated_at_ms    INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Version 1 had streams (name, next_offset, created_at_ms) only.
inline constexpr const char* kUpgradeFromVersion1 = R"sql(
ALTER TABLE streams ADD COLUMN first_offset INTEGER NOT NULL DEFAULT 0;
ALTER TABLE streams ADD COLUMN total_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE streams ADD COLUMN max_age_ms INTEGER;
ALTER TABLE streams ADD COLUMN max_bytes INTEGER;
ALTER TABLE streams ADD COLUMN max_records INTEGER;
ALTER TABLE streams ADD COLUMN when_full TEXT NOT NULL DEFAULT 'delete-oldest';
)sql";
inline constexpr const char* kBackfillVersion1 = R"sql(
UPDATE streams SET
  first_offset = coalesce((SELECT min(offset) FROM records WHERE stream = streams.name), next_offset),
  total_bytes = coalesce((SELECT sum(length(payload)) FROM records WHERE stream = streams.name), 0);
)sql";

// How streams.db gets to kVersion: a fresh file at once to version 2.
inline DatabaseSchema database_schema() {
  return DatabaseSchema{
      "stream store",
      kVersion,
      {SchemaStep{0, 2, kCreateStatements},
       SchemaStep{1, 2, std::string(kUpgradeFromVersion1) + kCreateStatements + kBackfillVersion1},
       SchemaStep{2, 3, kCreateSourcePositions}, SchemaStep{3, 4, kCreateStreamCursors}}};
}

inline constexpr const char* kLoadStreams =
    "SELECT name, next_offset, first_offset, total_bytes, max_age_ms, max_bytes, max_records, "
    "when_full FROM streams";
inline constexpr const char* kFindDuplicate =
    "SELECT offset FROM records WHERE stream = ?1 AND device_id = ?2 AND seq = ?3";
inline constexpr const char* kCreateStream =
    "INSERT INTO streams (name, next_offset, created_at_ms, first_offset, total_bytes, max_age_ms, "
    "max_bytes, max_records, when_full) VALUES (?1, 0, ?2, 0, 0, ?3, ?4, ?5, ?6)";
inline constexpr const char* kUpdateStreamState =
    "UPDATE streams SET next_offset = ?2, first_offset = ?3, total_bytes = ?4 WHERE name = ?1";
inline constexpr const char* kUpdatePolicy =
    "UPDATE streams SET max_age_ms = ?2, max_bytes = ?3, max_records = ?4, when_full = ?5 "
    "WHERE name = ?1";
inline constexpr const char* kInsertRecord =
    "INSERT INTO records (stream, offset, received_at_ms, device_id, seq, topic, payload, reason) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
// The common case in one index walk: a record with a seq that is new is
// inserted; one already stored changes nothing (sqlite3_changes() == 0).
// Conflicts on the primary key still fail.
inline constexpr const char* kInsertRecordIfNew =
    "INSERT INTO records (stream, offset, received_at_ms, device_id, seq, topic, payload, reason) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT (stream, device_id, seq) WHERE seq IS NOT NULL DO NOTHING";
inline constexpr const char* kReadRecords =
    "SELECT offset, received_at_ms, device_id, seq, topic, payload, reason FROM records "
    "WHERE stream = ?1 AND offset >= ?2 ORDER BY offset LIMIT ?3";
// The oldest records, for retention: length() of a BLOB does not read it.
inline constexpr const char* kOldestRecords =
    "SELECT received_at_ms, length(payload) FROM records WHERE stream = ?1 AND offset >= ?2 "
    "ORDER BY offset";
inline constexpr const char* kDeleteOldest =
    "DELETE FROM records WHERE stream = ?1 AND offset < ?2";
inline constexpr const char* kOffsetAtTime =
    "SELECT offset FROM records WHERE stream = ?1 AND received_at_ms >= ?2 "
    "ORDER BY received_at_ms, offset LIMIT 1";
inline constexpr const char* kCommitOffset =
    "INSERT INTO consumer_groups (group_name, stream, committed_offset, updated_at_ms) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (stream, group_name) DO UPDATE SET "
    "committed_offset = excluded.committed_offset, updated_at_ms = excluded.updated_at_ms";
inline constexpr const char* kFindCommit =
    "SELECT committed_offset, updated_at_ms FROM consumer_groups "
    "WHERE stream = ?1 AND group_name = ?2";
inline constexpr const char* kListGroups =
    "SELECT group_name, committed_offset, updated_at_ms FROM consumer_groups WHERE stream = ?1 "
    "ORDER BY group_name";

inline constexpr const char* kSavePosition =
    "INSERT INTO source_positions (source, position) VALUES (?1, ?2) "
    "ON CONFLICT (source) DO UPDATE SET position = excluded.position";
inline constexpr const char* kLoadCursors =
    "SELECT name, stream, position, holds_retention, skipped, definition, updated_at_ms "
    "FROM stream_cursors";
inline constexpr const char* kSaveCursor =
    "INSERT INTO stream_cursors (name, stream, position, holds_retention, skipped, definition, "
    "updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (name) DO UPDATE SET "
    "position = excluded.position, holds_retention = excluded.holds_retention, "
    "skipped = excluded.skipped, definition = excluded.definition, "
    "updated_at_ms = excluded.updated_at_ms";
inline constexpr const char* kDeleteCursor = "DELETE FROM stream_cursors WHERE name = ?1";

inline constexpr const char* kFindPosition =
    "SELECT position FROM source_positions WHERE source = ?1";

}  // namespace edgehub::hub::stream_schema

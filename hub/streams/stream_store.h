// Durable, ordered, replayable event streams.
//
// Every record of a stream has a gap-free offset (0, 1, 2, ...) assigned at
// append; offsets are never reused, retention only ever removes the oldest
// records (the stream's first_offset moves forward). A record that carries a
// device sequence number is stored once: appending (stream, device_id, seq)
// again returns the existing offset with duplicate = true (while that record
// is retained).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"

namespace edgehub::hub {

inline constexpr std::string_view kTelemetryStream = "telemetry";
inline constexpr std::string_view kDeadLetterStream = "deadletter";

struct NewRecord {
  std::string stream;
  std::int64_t received_at_ms = 0;
  std::string device_id;
  std::optional<std::uint64_t> seq;   // device sequence number, for de-duplication
  std::string topic;                  // MQTT topic it arrived on
  std::string payload;                // JSON text (telemetry data), or raw bytes (deadletter)
  std::optional<std::string> reason;  // why it is in the dead-letter stream
};

// A record for the dead-letter stream: what arrived on topic from device_id
// (raw bytes) and why it could not be accepted.
NewRecord make_dead_letter(std::string_view topic, std::string_view device_id,
                           std::string_view payload, std::string reason,
                           std::int64_t received_at_ms);

// How far a writer has applied a source it replays (hubd: the ingest
// journal's entry sequence number up to which its entries are in streams).
struct SourcePosition {
  std::string source;
  std::uint64_t position = 0;
};

struct StreamRecord {
  std::string stream;
  std::uint64_t offset = 0;
  std::int64_t received_at_ms = 0;
  std::string device_id;
  std::optional<std::uint64_t> seq;
  std::string topic;
  std::string payload;
  std::optional<std::string> reason;
};

struct AppendResult {
  std::uint64_t offset = 0;
  bool duplicate = false;
};

// What a stream does when an append would take it over max_bytes or
// max_records.
enum class WhenFull {
  delete_oldest,  // make room by deleting the oldest records (in the same transaction)
  reject,         // refuse the append: ErrorCode::unavailable, nothing stored, counted
};

const char* to_string(WhenFull when_full) noexcept;
std::optional<WhenFull> when_full_from_string(std::string_view text) noexcept;

// Limits of one stream; an absent limit is no limit. Size is the sum of the
// payload byte lengths of the retained records (metadata not counted).
struct RetentionPolicy {
  std::optional<std::int64_t> max_age_ms;    // records older than this (received_at_ms) go
  std::optional<std::uint64_t> max_bytes;    // payload bytes of all retained records
  std::optional<std::uint64_t> max_records;  // retained records
  WhenFull when_full = WhenFull::delete_oldest;

  bool operator==(const RetentionPolicy&) const = default;
};

struct StreamInfo {
  std::string name;
  std::uint64_t first_offset = 0;  // oldest retained record (== next_offset when empty)
  std::uint64_t next_offset = 0;   // offset the next record will get
  std::uint64_t record_count = 0;
  std::uint64_t total_bytes = 0;  // payload bytes of the retained records
  RetentionPolicy retention;
  std::uint64_t rejected = 0;  // appends refused as full since the store was opened
  // The lowest position of the cursors that hold this stream's retention
  // (StreamCursor): retention never deletes a record at or above it, and a
  // delete-oldest append that would have to refuses instead (counted in
  // rejected). nullopt: nothing holds the stream.
  std::optional<std::uint64_t> retention_floor;
};

struct ConsumerGroupOffset {
  std::string group;
  std::string stream;
  std::uint64_t committed_offset = 0;  // the next offset the group will process
  std::int64_t updated_at_ms = 0;
};

// A durable reader's position on a stream (an export, issue 15): like a
// consumer group's commit, but it may hold the stream's retention, and it
// carries its owner's definition (opaque to the store) so that the
// definition, the position and the hold change in one transaction: there is
// never an export without its position, nor a hold without its export.
struct StreamCursor {
  std::string name;  // unique among cursors; the group name alphabet
  std::string stream;
  std::uint64_t position = 0;    // the next offset the reader will process
  bool holds_retention = false;  // retention keeps every record at or above position
  std::uint64_t skipped = 0;     // records retention deleted before the reader had them
  std::string definition;        // the owner's (JSON text), stored as is
  std::int64_t updated_at_ms = 0;
};

// Records removed by StreamStore::enforce_retention, per stream.
struct RetentionRun {
  std::uint64_t deleted_records = 0;
  std::uint64_t deleted_bytes = 0;
};

class StreamStore {
 public:
  virtual ~StreamStore() = default;

  // Durable when it returns (committed). Creates the stream (no limits) on
  // first use. Errors: invalid_argument (stream name), too_large (payload
  // over the store's limit, or over the stream's own max_bytes),
  // unavailable (the stream is full and its policy is reject: nothing of the
  // batch is stored), internal (database failure).
  virtual Result<AppendResult> append(const NewRecord& record) = 0;
  // All or nothing, in one transaction; results in input order.
  virtual Result<std::vector<AppendResult>> append_batch(std::span<const NewRecord> records) = 0;
  // For a writer that groups several messages (hubd's ingest): like
  // append_batch, all or nothing, but a refused group is not counted in the
  // streams' `rejected` (the writer then appends its records one by one,
  // which counts what is refused). With a position, records it in the same
  // transaction: a writer replaying a source after a crash reads it back
  // (source_position) and skips what is committed. An empty group records
  // the position only.
  virtual Result<std::vector<AppendResult>> append_group(std::span<const NewRecord> records,
                                                         const SourcePosition* position);
  // The last position recorded for source, nullopt if none.
  virtual Result<std::optional<std::uint64_t>> source_position(std::string_view source) const;
  // Records with offset >= from_offset, oldest first, at most limit.
  // not_found for an unknown stream.
  virtual Result<std::vector<StreamRecord>> read(std::string_view stream, std::uint64_t from_offset,
                                                 std::size_t limit) const = 0;
  virtual Result<std::vector<StreamInfo>> list() const = 0;

  // --- stream management (operators, routes) ---------------------------------
  // A new empty stream with the given policy; conflict if it exists,
  // invalid_argument for a bad name or policy.
  virtual Result<StreamInfo> create_stream(std::string_view stream, const RetentionPolicy& policy,
                                           std::int64_t now_ms);
  // Creates the stream with no limits if it does not exist yet; ok either way.
  virtual Status ensure_stream(std::string_view stream, std::int64_t now_ms);
  // Replaces the stream's policy (not_found if it does not exist). Count and
  // size limits apply at the next append or enforce_retention.
  virtual Result<StreamInfo> configure_stream(std::string_view stream,
                                              const RetentionPolicy& policy);
  virtual Result<StreamInfo> stream_info(std::string_view stream) const;

  // Deletes, oldest first, what the streams' policies no longer allow:
  // records with received_at_ms < now_ms - max_age_ms, and records over
  // max_records / max_bytes. At most batch_limit records per stream per
  // transaction (a caller runs it periodically).
  virtual Result<RetentionRun> enforce_retention(std::int64_t now_ms, std::size_t batch_limit);

  // --- consumers ----------------------------------------------------------------
  // The first retained offset whose received_at_ms >= at_ms (next_offset if
  // none). received_at_ms is the hub's clock, non-decreasing along offsets
  // unless the wall clock stepped back.
  virtual Result<std::uint64_t> offset_at_time(std::string_view stream, std::int64_t at_ms) const;
  // Durable when it returns. committed_offset is the next offset the group
  // will process (0 .. next_offset); not_found for an unknown stream,
  // invalid_argument for a bad group name or an offset beyond next_offset.
  virtual Result<ConsumerGroupOffset> commit_offset(std::string_view group, std::string_view stream,
                                                    std::uint64_t committed_offset,
                                                    std::int64_t now_ms);
  // The group's commit on the stream, nullopt if it never committed.
  virtual Result<std::optional<ConsumerGroupOffset>> committed_offset(
      std::string_view group, std::string_view stream) const;
  // Every group that committed on the stream, by name.
  virtual Result<std::vector<ConsumerGroupOffset>> consumer_groups(std::string_view stream) const;

  // --- cursors (exports) --------------------------------------------------------
  // Durable when they return. create_cursor: conflict if the name exists,
  // not_found for an unknown stream, invalid_argument for a bad name or a
  // position beyond next_offset; a position below the stream's first_offset
  // starts at first_offset (nothing was skipped: those records were gone).
  virtual Result<StreamCursor> create_cursor(const StreamCursor& cursor);
  // Replaces definition and holds_retention; not_found if there is no such cursor.
  virtual Result<StreamCursor> update_cursor(std::string_view name, std::string_view definition,
                                             bool holds_retention, std::int64_t now_ms);
  // Moves the position forward (never back: invalid_argument, as beyond
  // next_offset) and adds skipped_more to skipped.
  virtual Result<StreamCursor> advance_cursor(std::string_view name, std::uint64_t position,
                                              std::uint64_t skipped_more, std::int64_t now_ms);
  // Every cursor, by name.
  virtual Result<std::vector<StreamCursor>> cursors() const;
  // not_found if there is no such cursor; its hold ends with it.
  virtual Status remove_cursor(std::string_view name);

  // Blocks until the stream holds a record with offset >= from_offset, the
  // timeout passes, or interrupt_waits() was called. true if such a record
  // exists. Woken by appends (no polling).
  virtual bool wait_for_records(std::string_view stream, std::uint64_t from_offset,
                                std::chrono::milliseconds timeout) const;
  // Wakes every waiter now and makes later waits return at once (shutdown).
  virtual void interrupt_waits();
};

}  // namespace edgehub::hub

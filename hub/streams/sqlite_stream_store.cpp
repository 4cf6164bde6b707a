#include "streams/sqlite_stream_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "sqlite/open_database.h"
#include "sqlite/statement_use.h"
#include "sqlite/wal_checkpointer.h"
#include "streams/append_signal.h"
#include "streams/cursor_set.h"
#include "streams/new_record_validation.h"
#include "streams/sqlite_stream_schema.h"
#include "streams/stream_errors.h"

namespace edgehub::hub {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

// The ingest thread commits every few milliseconds and never pauses long
// under load, so a checkpoint never finds the WAL idle. SQLite's own
// checkpoint ran inside the COMMIT that crossed 1000 pages (4 MB copied and
// two fsyncs, 7-64 ms), and the next batch waited for it: that was the p99
// of publish -> readable. Here the checkpointer's thread copies the WAL back
// while the writer goes on (started at 256 pages: short passes, small
// fsyncs), and once the WAL holds 4096 pages (16 MB) the writer checkpoints
// itself in the COMMIT that crossed it: little is left to copy by then, and
// afterwards the WAL starts over instead of growing (docs/performance.md, "WAL checkpoints
// of streams.db").
constexpr WalCheckpointSettings kStreamCheckpoints{
    .start_pages = 256, .writer_pages = 4096, .interval = std::chrono::milliseconds(1000)};

// SQLite integers are signed 64-bit: offsets and limits beyond that range
// cannot exist, so they are clamped; device sequence numbers (any uint64) are
// stored bit for bit.
std::int64_t clamped(std::uint64_t value) {
  return static_cast<std::int64_t>(std::min<std::uint64_t>(value, kInt64Max));
}
std::int64_t seq_to_column(std::uint64_t seq) { return static_cast<std::int64_t>(seq); }
std::uint64_t seq_from_column(std::int64_t value) { return static_cast<std::uint64_t>(value); }
std::uint64_t unsigned_column(const SQLite::Column& column) {
  return static_cast<std::uint64_t>(column.getInt64());
}

void bind_optional_text(SQLite::Statement& statement, int index,
                        const std::optional<std::string>& text) {
  if (text) {
    statement.bind(index, *text);
  } else {
    statement.bind(index);
  }
}

template <typename Integer>
void bind_optional_integer(SQLite::Statement& statement, int index,
                           const std::optional<Integer>& value) {
  if (value) {
    statement.bind(index, static_cast<std::int64_t>(*value));
  } else {
    statement.bind(index);
  }
}

void bind_policy(SQLite::Statement& statement, int first_index, const RetentionPolicy& policy) {
  bind_optional_integer(statement, first_index, policy.max_age_ms);
  bind_optional_integer(statement, first_index + 1, policy.max_bytes);
  bind_optional_integer(statement, first_index + 2, policy.max_records);
  statement.bind(first_index + 3, to_string(policy.when_full));
}

std::string blob_column(const SQLite::Column& column) {
  const int size = column.getBytes();
  if (size == 0) return {};
  return std::string(static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(size));
}

// What the store knows of a stream; the committed copy lives in memory (the
// store is the file's only writer), working copies in a write transaction.
struct StreamState {
  std::uint64_t next_offset = 0;
  std::uint64_t first_offset = 0;
  std::uint64_t total_bytes = 0;
  RetentionPolicy retention;
  std::uint64_t record_count() const { return next_offset - first_offset; }
};

using StreamStates = std::map<std::string, StreamState, std::less<>>;

// A refused batch counts as refused records of the full stream.
std::uint64_t records_for(std::span<const NewRecord> records, std::string_view stream) {
  std::uint64_t count = 0;
  for (const NewRecord& record : records) count += record.stream == stream ? 1 : 0;
  return count;
}

StreamInfo info_of(const std::string& name, const StreamState& state, std::uint64_t rejected,
                   std::optional<std::uint64_t> floor) {
  return StreamInfo{name,
                    state.first_offset,
                    state.next_offset,
                    state.record_count(),
                    state.total_bytes,
                    state.retention,
                    rejected,
                    floor};
}

}  // namespace

struct SqliteStreamStore::Impl {
  // Preparing the statements here also checks that an existing file has the
  // expected tables and columns.
  explicit Impl(SQLite::Database opened)
      : database(std::move(opened)),
        find_duplicate(database, stream_schema::kFindDuplicate),
        create_stream(database, stream_schema::kCreateStream),
        update_state(database, stream_schema::kUpdateStreamState),
        update_policy(database, stream_schema::kUpdatePolicy),
        insert_record(database, stream_schema::kInsertRecord),
        insert_record_if_new(database, stream_schema::kInsertRecordIfNew),
        read_records(database, stream_schema::kReadRecords),
        oldest_records(database, stream_schema::kOldestRecords),
        delete_oldest(database, stream_schema::kDeleteOldest),
        offset_at_time(database, stream_schema::kOffsetAtTime),
        commit_offset(database, stream_schema::kCommitOffset),
        find_commit(database, stream_schema::kFindCommit),
        list_groups(database, stream_schema::kListGroups),
        save_position(database, stream_schema::kSavePosition),
        find_position(database, stream_schema::kFindPosition),
        save_cursor(database, stream_schema::kSaveCursor),
        delete_cursor(database, stream_schema::kDeleteCursor) {
    SQLite::Statement load(database, stream_schema::kLoadStreams);
    while (load.executeStep()) {
      StreamState state;
      state.next_offset = unsigned_column(load.getColumn(1));
      state.first_offset = unsigned_column(load.getColumn(2));
      state.total_bytes = unsigned_column(load.getColumn(3));
      if (!load.isColumnNull(4)) state.retention.max_age_ms = load.getColumn(4).getInt64();
      if (!load.isColumnNull(5)) state.retention.max_bytes = unsigned_column(load.getColumn(5));
      if (!load.isColumnNull(6)) state.retention.max_records = unsigned_column(load.getColumn(6));
      state.retention.when_full =
          when_full_from_string(load.getColumn(7).getString()).value_or(WhenFull::delete_oldest);
      streams.emplace(load.getColumn(0).getString(), state);
    }
    SQLite::Statement load_cursors(database, stream_schema::kLoadCursors);
    while (load_cursors.executeStep()) {
      cursors.put(StreamCursor{
          load_cursors.getColumn(0).getString(), load_cursors.getColumn(1).getString(),
          unsigned_column(load_cursors.getColumn(2)), load_cursors.getColumn(3).getInt() != 0,
          unsigned_column(load_cursors.getColumn(4)), load_cursors.getColumn(5).getString(),
          load_cursors.getColumn(6).getInt64()});
    }
  }

  void write_cursor(const StreamCursor& cursor) {
    StatementUse save(save_cursor);
    save->bind(1, cursor.name);
    save->bind(2, cursor.stream);
    save->bind(3, clamped(cursor.position));
    save->bind(4, cursor.holds_retention ? 1 : 0);
    save->bind(5, clamped(cursor.skipped));
    save->bind(6, cursor.definition);
    save->bind(7, cursor.updated_at_ms);
    save->exec();
  }

  std::optional<std::uint64_t> existing_offset(const NewRecord& record) {
    if (!record.seq) return std::nullopt;
    StatementUse query(find_duplicate);
    query->bind(1, record.stream);
    query->bind(2, record.device_id);
    query->bind(3, seq_to_column(*record.seq));
    if (!query->executeStep()) return std::nullopt;
    return unsigned_column(query->getColumn(0));
  }

  void insert_stream(std::string_view name, const RetentionPolicy& policy, std::int64_t now_ms) {
    StatementUse create(create_stream);
    create->bind(1, std::string(name));
    create->bind(2, now_ms);
    bind_policy(*create, 3, policy);
    create->exec();
  }

  StreamState& state_of(const NewRecord& record, StreamStates& touched) {
    if (auto known = touched.find(record.stream); known != touched.end()) return known->second;
    if (auto committed = streams.find(record.stream); committed != streams.end()) {
      return touched.emplace(record.stream, committed->second).first->second;
    }
    insert_stream(record.stream, RetentionPolicy{}, record.received_at_ms);
    return touched.emplace(record.stream, StreamState{}).first->second;
  }

  // Deletes the oldest records while they are expired (received before
  // cutoff_ms) or the stream, with `incoming` more records and bytes, is over
  // its limits; at most `limit` records, and none at or above the stream's
  // retention floor (an export has not sent them).
  RetentionRun trim(std::string_view stream, StreamState& state, std::uint64_t incoming_records,
                    std::uint64_t incoming_bytes, std::optional<std::int64_t> cutoff_ms,
                    std::size_t limit) {
    RetentionRun run;
    if (const auto floor = cursors.floor(stream)) {
      const std::uint64_t below = *floor > state.first_offset ? *floor - state.first_offset : 0;
      limit = static_cast<std::size_t>(std::min<std::uint64_t>(limit, below));
    }
    {
      StatementUse oldest(oldest_records);
      oldest->bind(1, std::string(stream));
      oldest->bind(2, clamped(state.first_offset));
      while (run.deleted_records < limit && oldest->executeStep()) {
        const bool expired = cutoff_ms && oldest->getColumn(0).getInt64() < *cutoff_ms;
        const bool over = exceeds_limits(
            state.retention, state.record_count() - run.deleted_records + incoming_records,
            state.total_bytes - run.deleted_bytes + incoming_bytes);
        if (!expired && !over) break;
        ++run.deleted_records;
        run.deleted_bytes += unsigned_column(oldest->getColumn(1));
      }
    }
    if (run.deleted_records == 0) return run;
    StatementUse remove(delete_oldest);
    remove->bind(1, std::string(stream));
    remove->bind(2, clamped(state.first_offset + run.deleted_records));
    remove->exec();
    state.first_offset += run.deleted_records;
    state.total_bytes -= run.deleted_bytes;
    return run;
  }

  Result<AppendResult> append_one(const NewRecord& record, StreamStates& touched) {
    const std::uint64_t size = record.payload.size();
    if (record.seq) {
      // Fast path (room, so no retention decision depends on it being new):
      // the unique index tells a duplicate while inserting.
      StreamState& state = state_of(record, touched);
      const RetentionPolicy& retention = state.retention;
      const bool fits =
          !(retention.max_bytes && size > *retention.max_bytes) &&
          !exceeds_limits(retention, state.record_count() + 1, state.total_bytes + size);
      if (fits) {
        {
          StatementUse insert(insert_record_if_new);
          bind_record(*insert, record, state.next_offset);
          insert->exec();
        }
        if (database.getChanges() == 0) {
          if (auto existing = existing_offset(record)) return AppendResult{*existing, true};
          throw std::runtime_error("record neither inserted nor found");
        }
        state.total_bytes += size;
        return AppendResult{state.next_offset++, false};
      }
    }
    if (auto existing = existing_offset(record)) return AppendResult{*existing, true};
    StreamState& state = state_of(record, touched);
    const RetentionPolicy& retention = state.retention;
    if (retention.max_bytes && size > *retention.max_bytes) {
      return record_over_stream_size(record.stream, size, *retention.max_bytes);
    }
    if (exceeds_limits(retention, state.record_count() + 1, state.total_bytes + size)) {
      if (retention.when_full == WhenFull::reject) return stream_full(record.stream);
      trim(record.stream, state, 1, size, std::nullopt, kNoLimit);
      if (exceeds_limits(retention, state.record_count() + 1, state.total_bytes + size)) {
        return stream_held(record.stream, cursors.floor(record.stream).value_or(0));
      }
    }
    StatementUse insert(insert_record);
    bind_record(*insert, record, state.next_offset);
    insert->exec();
    state.total_bytes += size;
    return AppendResult{state.next_offset++, false};
  }

  static void bind_record(SQLite::Statement& insert, const NewRecord& record,
                          std::uint64_t offset) {
    insert.bind(1, record.stream);
    insert.bind(2, clamped(offset));
    insert.bind(3, record.received_at_ms);
    insert.bind(4, record.device_id);
    if (record.seq) {
      insert.bind(5, seq_to_column(*record.seq));
    } else {
      insert.bind(5);
    }
    insert.bind(6, record.topic);
    // No copy: the payload outlives the exec(); validation bounds its size.
    insert.bindNoCopy(7, record.payload.data(), static_cast<int>(record.payload.size()));
    bind_optional_text(insert, 8, record.reason);
  }

  void write_back(const StreamStates& touched) {
    for (const auto& [stream, state] : touched) {
      StatementUse update(update_state);
      update->bind(1, stream);
      update->bind(2, clamped(state.next_offset));
      update->bind(3, clamped(state.first_offset));
      update->bind(4, clamped(state.total_bytes));
      update->exec();
    }
  }

  // After the commit: the working copies become the committed state.
  void publish(StreamStates& touched) {
    for (auto& [stream, state] : touched) streams[stream] = state;
  }

  StreamRecord record_from_row(std::string_view stream, SQLite::Statement& row) {
    StreamRecord record;
    record.stream = stream;
    record.offset = unsigned_column(row.getColumn(0));
    record.received_at_ms = row.getColumn(1).getInt64();
    record.device_id = row.getColumn(2).getString();
    if (!row.isColumnNull(3)) record.seq = seq_from_column(row.getColumn(3).getInt64());
    record.topic = row.getColumn(4).getString();
    record.payload = blob_column(row.getColumn(5));
    if (!row.isColumnNull(6)) record.reason = row.getColumn(6).getString();
    return record;
  }

  const StreamState* find(std::string_view stream) const {
    const auto found = streams.find(stream);
    return found == streams.end() ? nullptr : &found->second;
  }

  std::uint64_t rejected_of(std::string_view stream) const {
    const auto found = rejected.find(stream);
    return found == rejected.end() ? 0 : found->second;
  }

  SQLite::Database database;
  SQLite::Statement find_duplicate;
  SQLite::Statement create_stream;
  SQLite::Statement update_state;
  SQLite::Statement update_policy;
  SQLite::Statement insert_record;
  SQLite::Statement insert_record_if_new;
  SQLite::Statement read_records;
  SQLite::Statement oldest_records;
  SQLite::Statement delete_oldest;
  SQLite::Statement offset_at_time;
  SQLite::Statement commit_offset;
  SQLite::Statement find_commit;
  SQLite::Statement list_groups;
  SQLite::Statement save_position;
  SQLite::Statement find_position;
  SQLite::Statement save_cursor;
  SQLite::Statement delete_cursor;
  StreamStates streams;  // committed state of every stream
  CursorSet cursors;     // committed cursors
  std::map<std::string, std::uint64_t, std::less<>> rejected;
  mutable std::mutex mutex;
  AppendSignal appended;
  // Last: stopped before the connection closes.
  std::unique_ptr<WalCheckpointer> checkpointer;
};

std::unique_ptr<SqliteStreamStore> SqliteStreamStore::open(const std::filesystem::path& file) {
  // Every use of the connection holds Impl::mutex already.
  Result<SQLite::Database> database =
      open_database(file, stream_schema::database_schema(), {.caller_serializes = true});
  if (!database) throw std::runtime_error("cannot open " + database.error().message);
  try {
    auto impl = std::make_unique<Impl>(std::move(database).value());
    if (file != ":memory:") {
      impl->checkpointer =
          std::make_unique<WalCheckpointer>(file, impl->database.getHandle(), kStreamCheckpoints);
    }
    return std::unique_ptr<SqliteStreamStore>(new SqliteStreamStore(std::move(impl)));
  } catch (const std::exception& failure) {
    // A table of that name with other columns (statements are prepared here).
    throw std::runtime_error("cannot open stream store " + file.string() + ": " + failure.what());
  }
}

SqliteStreamStore::SqliteStreamStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStreamStore::~SqliteStreamStore() = default;

Result<AppendResult> SqliteStreamStore::append(const NewRecord& record) {
  Result<std::vector<AppendResult>> appended = append_batch(std::span(&record, 1));
  if (!appended) return appended.error();
  return appended->front();
}

Result<std::vector<AppendResult>> SqliteStreamStore::append_batch(
    std::span<const NewRecord> records) {
  return append_in_transaction(records, nullptr, true);
}

Result<std::vector<AppendResult>> SqliteStreamStore::append_group(
    std::span<const NewRecord> records, const SourcePosition* position) {
  return append_in_transaction(records, position, false);
}

Result<std::optional<std::uint64_t>> SqliteStreamStore::source_position(
    std::string_view source) const {
  std::lock_guard lock(impl_->mutex);
  try {
    StatementUse query(impl_->find_position);
    query->bind(1, std::string(source));
    if (!query->executeStep()) return std::optional<std::uint64_t>();
    return std::optional<std::uint64_t>(unsigned_column(query->getColumn(0)));
  } catch (const std::exception& failure) {
    return make_error(
        ErrorCode::internal,
        std::string("stream store: reading a source position failed: ") + failure.what());
  }
}

Result<std::vector<AppendResult>> SqliteStreamStore::append_in_transaction(
    std::span<const NewRecord> records, const SourcePosition* position, bool count_refused) {
  std::vector<AppendResult> results;
  {
    std::lock_guard lock(impl_->mutex);
    try {
      // Rolled back by its destructor on every early return and exception.
      SQLite::Transaction transaction(impl_->database, SQLite::TransactionBehavior::IMMEDIATE);
      StreamStates touched;
      results.reserve(records.size());
      for (const NewRecord& record : records) {
        if (Status valid = validate_new_record(record); !valid) return valid.error();
        Result<AppendResult> appended = impl_->append_one(record, touched);
        if (!appended) {
          if (count_refused && appended.error().code == ErrorCode::unavailable) {
            impl_->rejected[record.stream] += records_for(records, record.stream);
          }
          return appended.error();
        }
        results.push_back(*appended);
      }
      impl_->write_back(touched);
      if (position != nullptr) {
        StatementUse save(impl_->save_position);
        save->bind(1, position->source);
        save->bind(2, clamped(position->position));
        save->exec();
      }
      transaction.commit();
      impl_->publish(touched);
    } catch (const std::exception& failure) {
      return make_error(ErrorCode::internal,
                        std::string("stream store: append failed: ") + failure.what());
    }
  }
  if (!records.empty()) impl_->appended.notify();
  return results;
}

Result<std::vector<StreamRecord>> SqliteStreamStore::read(std::string_view stream,
                                                          std::uint64_t from_offset,
                                                          std::size_t limit) const {
  std::lock_guard lock(impl_->mutex);
  try {
    if (!impl_->find(stream)) return stream_not_found(stream);
    StatementUse query(impl_->read_records);
    query->bind(1, std::string(stream));
    query->bind(2, clamped(from_offset));
    query->bind(3, clamped(limit));
    std::vector<StreamRecord> records;
    records.reserve(std::min<std::size_t>(limit, 10000));
    while (query->executeStep()) records.push_back(impl_->record_from_row(stream, *query));
    return records;
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("stream store: read failed: ") + failure.what());
  }
}

Result<std::vector<StreamInfo>> SqliteStreamStore::list() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<StreamInfo> infos;
  for (const auto& [name, state] : impl_->streams) {
    infos.push_back(info_of(name, state, impl_->rejected_of(name), impl_->cursors.floor(name)));
  }
  return infos;
}

Result<StreamInfo> SqliteStreamStore::create_stream(std::string_view stream,
                                                    const RetentionPolicy& policy,
                                                    std::int64_t now_ms) {
  if (Status name = validate_stream_name(stream); !name) return name.error();
  if (Status valid = validate_retention_policy(policy); !valid) return valid.error();
  std::lock_guard lock(impl_->mutex);
  if (impl_->find(stream)) return stream_exists(stream);
  try {
    impl_->insert_stream(stream, policy, now_ms);
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("stream store: create failed: ") + failure.what());
  }
  StreamState& state = impl_->streams[std::string(stream)];
  state.retention = policy;
  return info_of(std::string(stream), state, 0, std::nullopt);
}

Status SqliteStreamStore::ensure_stream(std::string_view stream, std::int64_t now_ms) {
  auto created = create_stream(stream, RetentionPolicy{}, now_ms);
  if (!created && created.error().code != ErrorCode::conflict) return created.error();
  return ok_status();
}

Result<StreamInfo> SqliteStreamStore::configure_stream(std::string_view stream,
                                                       const RetentionPolicy& policy) {
  if (Status valid = validate_retention_policy(policy); !valid) return valid.error();
  std::lock_guard lock(impl_->mutex);
  const auto found = impl_->streams.find(stream);
  if (found == impl_->streams.end()) return stream_not_found(stream);
  try {
    StatementUse update(impl_->update_policy);
    update->bind(1, std::string(stream));
    bind_policy(*update, 2, policy);
    update->exec();
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("stream store: configure failed: ") + failure.what());
  }
  found->second.retention = policy;
  return info_of(found->first, found->second, impl_->rejected_of(stream),
                 impl_->cursors.floor(stream));
}

Result<StreamInfo> SqliteStreamStore::stream_info(std::string_view stream) const {
  std::lock_guard lock(impl_->mutex);
  const StreamState* state = impl_->find(stream);
  if (!state) return stream_not_found(stream);
  return info_of(std::string(stream), *state, impl_->rejected_of(stream),
                 impl_->cursors.floor(stream));
}

Result<RetentionRun> SqliteStreamStore::enforce_retention(std::int64_t now_ms,
                                                          std::size_t batch_limit) {
  std::lock_guard lock(impl_->mutex);
  try {
    SQLite::Transaction transaction(impl_->database, SQLite::TransactionBehavior::IMMEDIATE);
    StreamStates touched;
    RetentionRun total;
    for (const auto& [name, committed] : impl_->streams) {
      const RetentionPolicy& retention = committed.retention;
      if (!retention.max_age_ms && !retention.max_bytes && !retention.max_records) continue;
      std::optional<std::int64_t> cutoff;
      if (retention.max_age_ms) cutoff = now_ms - *retention.max_age_ms;
      StreamState state = committed;
      const RetentionRun run = impl_->trim(name, state, 0, 0, cutoff, batch_limit);
      if (run.deleted_records == 0) continue;
      total.deleted_records += run.deleted_records;
      total.deleted_bytes += run.deleted_bytes;
      touched.emplace(name, state);
    }
    if (touched.empty()) return total;
    impl_->write_back(touched);
    transaction.commit();
    impl_->publish(touched);
    return total;
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("stream store: retention failed: ") + failure.what());
  }
}

Result<std::uint64_t> SqliteStreamStore::offset_at_time(std::string_view stream,
                                                        std::int64_t at_ms) const {
  std::lock_guard lock(impl_->mutex);
  const StreamState* state = impl_->find(stream);
  if (!state) return stream_not_found(stream);
  try {
    StatementUse query(impl_->offset_at_time);
    query->bind(1, std::string(stream));
    query->bind(2, at_ms);
    if (query->executeStep()) return unsigned_column(query->getColumn(0));
    return state->next_offset;
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("stream store: time lookup failed: ") + failure.what());
  }
}

Result<ConsumerGroupOffset> SqliteStreamStore::commit_offset(std::string_view group,
                                                             std::string_view stream,
                                                             std::uint64_t committed_offset,
                                                             std::int64_t now_ms) {
  if (Status name = validate_group_name(group); !name) return name.error();
  std::lock_guard lock(impl_->mutex);
  const StreamState* state = impl_->find(stream);
  if (!state) return stream_not_found(stream);
  if (committed_offset > state->next_offset) {
    return offset_beyond_end(committed_offset, state->next_offset);
  }
  try {
    StatementUse commit(impl_->commit_offset);
    commit->bind(1, std::string(group));
    commit->bind(2, std::string(stream));
    commit->bind(3, clamped(committed_offset));
    commit->bind(4, now_ms);
    commit->exec();
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("stream store: commit failed: ") + failure.what());
  }
  return ConsumerGroupOffset{std::string(group), std::string(stream), committed_offset, now_ms};
}

Result<std::optional<ConsumerGroupOffset>> SqliteStreamStore::committed_offset(
    std::string_view group, std::string_view stream) const {
  if (Status name = validate_group_name(group); !name) return name.error();
  std::lock_guard lock(impl_->mutex);
  if (!impl_->find(stream)) return stream_not_found(stream);
  try {
    StatementUse query(impl_->find_commit);
    query->bind(1, std::string(stream));
    query->bind(2, std::string(group));
    if (!query->executeStep()) return std::optional<ConsumerGroupOffset>();
    return std::optional<ConsumerGroupOffset>(
        ConsumerGroupOffset{std::string(group), std::string(stream),
                            unsigned_column(query->getColumn(0)), query->getColumn(1).getInt64()});
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("stream store: commit lookup failed: ") + failure.what());
  }
}

Result<std::vector<ConsumerGroupOffset>> SqliteStreamStore::consumer_groups(
    std::string_view stream) const {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->find(stream)) return stream_not_found(stream);
  try {
    StatementUse query(impl_->list_groups);
    query->bind(1, std::string(stream));
    std::vector<ConsumerGroupOffset> groups;
    while (query->executeStep()) {
      groups.push_back(ConsumerGroupOffset{query->getColumn(0).getString(), std::string(stream),
                                           unsigned_column(query->getColumn(1)),
                                           query->getColumn(2).getInt64()});
    }
    return groups;
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("stream store: group list failed: ") + failure.what());
  }
}

Result<StreamCursor> SqliteStreamStore::create_cursor(const StreamCursor& cursor) {
  std::lock_guard lock(impl_->mutex);
  const StreamState* state = impl_->find(cursor.stream);
  if (!state) return stream_not_found(cursor.stream);
  auto created = impl_->cursors.prepare_create(cursor, state->first_offset, state->next_offset,
                                               cursor.updated_at_ms);
  if (!created) return created.error();
  return save_cursor_locked(*created);
}

Result<StreamCursor> SqliteStreamStore::update_cursor(std::string_view name,
                                                      std::string_view definition,
                                                      bool holds_retention, std::int64_t now_ms) {
  std::lock_guard lock(impl_->mutex);
  const StreamCursor* current = impl_->cursors.find(name);
  if (current == nullptr) return cursor_not_found(name);
  StreamCursor updated = *current;
  updated.definition = definition;
  updated.holds_retention = holds_retention;
  updated.updated_at_ms = now_ms;
  return save_cursor_locked(updated);
}

Result<StreamCursor> SqliteStreamStore::advance_cursor(std::string_view name,
                                                       std::uint64_t position,
                                                       std::uint64_t skipped_more,
                                                       std::int64_t now_ms) {
  std::lock_guard lock(impl_->mutex);
  const StreamCursor* current = impl_->cursors.find(name);
  if (current == nullptr) return cursor_not_found(name);
  const StreamState* state = impl_->find(current->stream);
  const std::uint64_t next_offset = state ? state->next_offset : 0;
  auto advanced = impl_->cursors.prepare_advance(name, position, skipped_more, next_offset, now_ms);
  if (!advanced) return advanced.error();
  return save_cursor_locked(*advanced);
}

Result<StreamCursor> SqliteStreamStore::save_cursor_locked(const StreamCursor& cursor) {
  try {
    impl_->write_cursor(cursor);
  } catch (const std::exception& failure) {
    return make_error(
        ErrorCode::internal,
        std::string("stream store: saving an export position failed: ") + failure.what());
  }
  impl_->cursors.put(cursor);
  return cursor;
}

Result<std::vector<StreamCursor>> SqliteStreamStore::cursors() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->cursors.all();
}

Status SqliteStreamStore::remove_cursor(std::string_view name) {
  std::lock_guard lock(impl_->mutex);
  if (impl_->cursors.find(name) == nullptr) return cursor_not_found(name);
  try {
    StatementUse remove(impl_->delete_cursor);
    remove->bind(1, std::string(name));
    remove->exec();
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("stream store: removing an export failed: ") + failure.what());
  }
  impl_->cursors.erase(name);
  return ok_status();
}

bool SqliteStreamStore::wait_for_records(std::string_view stream, std::uint64_t from_offset,
                                         std::chrono::milliseconds timeout) const {
  return impl_->appended.wait(
      [&] {
        std::lock_guard lock(impl_->mutex);
        const StreamState* state = impl_->find(stream);
        return state && state->next_offset > std::max(from_offset, state->first_offset);
      },
      timeout);
}

void SqliteStreamStore::interrupt_waits() { impl_->appended.interrupt(); }

}  // namespace edgehub::hub

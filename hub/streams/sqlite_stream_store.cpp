#include "streams/sqlite_stream_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "streams/new_record_validation.h"
#include "streams/sqlite_stream_schema.h"
#include "streams/stream_errors.h"

namespace edgehub::hub {
namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

// SQLite integers are signed 64-bit: offsets and limits beyond that range
// cannot exist, so they are clamped; device sequence numbers (any uint64) are
// stored bit for bit.
std::int64_t clamped(std::uint64_t value) {
  return static_cast<std::int64_t>(std::min<std::uint64_t>(value, kInt64Max));
}
std::int64_t seq_to_column(std::uint64_t seq) { return static_cast<std::int64_t>(seq); }
std::uint64_t seq_from_column(std::int64_t value) { return static_cast<std::uint64_t>(value); }

// Resets a cached statement when the scope that used it ends, also on error,
// so that no statement keeps a read snapshot open.
class StatementUse {
 public:
  explicit StatementUse(SQLite::Statement& statement) : statement_(statement) {}
  ~StatementUse() { statement_.tryReset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  SQLite::Statement* operator->() { return &statement_; }
  SQLite::Statement& operator*() { return statement_; }

 private:
  SQLite::Statement& statement_;
};

void bind_optional_text(SQLite::Statement& statement, int index,
                        const std::optional<std::string>& text) {
  if (text) {
    statement.bind(index, *text);
  } else {
    statement.bind(index);
  }
}

std::string blob_column(const SQLite::Column& column) {
  const int size = column.getBytes();
  if (size == 0) return {};
  return std::string(static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(size));
}

void prepare_database(SQLite::Database& database) {
  const std::string journal_mode = database.execAndGet("PRAGMA journal_mode = WAL").getString();
  if (journal_mode != "wal") {
    throw std::runtime_error("cannot switch to WAL journal mode (got '" + journal_mode + "')");
  }
  database.exec("PRAGMA synchronous = NORMAL");
  SQLite::Transaction transaction(database, SQLite::TransactionBehavior::IMMEDIATE);
  const int version = database.execAndGet("PRAGMA user_version").getInt();
  if (version != 0 && version != stream_schema::kVersion) {
    throw std::runtime_error("schema version " + std::to_string(version) + ", expected " +
                             std::to_string(stream_schema::kVersion));
  }
  database.exec(stream_schema::kCreateStatements);
  database.exec("PRAGMA user_version = " + std::to_string(stream_schema::kVersion));
  transaction.commit();
}

// Next offset per stream touched by the running write transaction; written
// back to the streams table once per stream before commit.
using NextOffsets = std::map<std::string, std::uint64_t, std::less<>>;

}  // namespace

struct SqliteStreamStore::Impl {
  // Preparing the statements here also checks that an existing file has the
  // expected tables and columns.
  explicit Impl(SQLite::Database opened)
      : database(std::move(opened)),
        find_duplicate(database, stream_schema::kFindDuplicate),
        find_stream(database, stream_schema::kFindStream),
        create_stream(database, stream_schema::kCreateStream),
        update_next_offset(database, stream_schema::kUpdateNextOffset),
        insert_record(database, stream_schema::kInsertRecord),
        read_records(database, stream_schema::kReadRecords),
        list_streams(database, stream_schema::kListStreams) {}

  std::optional<std::uint64_t> existing_offset(const NewRecord& record) {
    if (!record.seq) return std::nullopt;
    StatementUse query(find_duplicate);
    query->bind(1, record.stream);
    query->bind(2, record.device_id);
    query->bind(3, seq_to_column(*record.seq));
    if (!query->executeStep()) return std::nullopt;
    return static_cast<std::uint64_t>(query->getColumn(0).getInt64());
  }

  std::uint64_t& next_offset_of(const NewRecord& record, NextOffsets& next_offsets) {
    if (auto known = next_offsets.find(record.stream); known != next_offsets.end()) {
      return known->second;
    }
    std::uint64_t next_offset = 0;
    {
      StatementUse query(find_stream);
      query->bind(1, record.stream);
      if (query->executeStep()) {
        next_offset = static_cast<std::uint64_t>(query->getColumn(0).getInt64());
      } else {
        StatementUse create(create_stream);
        create->bind(1, record.stream);
        create->bind(2, record.received_at_ms);
        create->exec();
      }
    }
    return next_offsets.emplace(record.stream, next_offset).first->second;
  }

  AppendResult append_one(const NewRecord& record, NextOffsets& next_offsets) {
    if (auto existing = existing_offset(record)) return {*existing, true};
    std::uint64_t& next_offset = next_offset_of(record, next_offsets);
    StatementUse insert(insert_record);
    insert->bind(1, record.stream);
    insert->bind(2, clamped(next_offset));
    insert->bind(3, record.received_at_ms);
    insert->bind(4, record.device_id);
    if (record.seq) {
      insert->bind(5, seq_to_column(*record.seq));
    } else {
      insert->bind(5);
    }
    insert->bind(6, record.topic);
    // No copy: the payload outlives the exec(); validation bounds its size.
    insert->bindNoCopy(7, record.payload.data(), static_cast<int>(record.payload.size()));
    bind_optional_text(*insert, 8, record.reason);
    insert->exec();
    return {next_offset++, false};
  }

  void write_back(const NextOffsets& next_offsets) {
    for (const auto& [stream, next_offset] : next_offsets) {
      StatementUse update(update_next_offset);
      update->bind(1, stream);
      update->bind(2, clamped(next_offset));
      update->exec();
    }
  }

  StreamRecord record_from_row(std::string_view stream, SQLite::Statement& row) {
    StreamRecord record;
    record.stream = stream;
    record.offset = static_cast<std::uint64_t>(row.getColumn(0).getInt64());
    record.received_at_ms = row.getColumn(1).getInt64();
    record.device_id = row.getColumn(2).getString();
    if (!row.isColumnNull(3)) record.seq = seq_from_column(row.getColumn(3).getInt64());
    record.topic = row.getColumn(4).getString();
    record.payload = blob_column(row.getColumn(5));
    if (!row.isColumnNull(6)) record.reason = row.getColumn(6).getString();
    return record;
  }

  SQLite::Database database;
  SQLite::Statement find_duplicate;
  SQLite::Statement find_stream;
  SQLite::Statement create_stream;
  SQLite::Statement update_next_offset;
  SQLite::Statement insert_record;
  SQLite::Statement read_records;
  SQLite::Statement list_streams;
  std::mutex mutex;
};

std::unique_ptr<SqliteStreamStore> SqliteStreamStore::open(const std::filesystem::path& file) {
  try {
    SQLite::Database database(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                              kBusyTimeoutMs);
    prepare_database(database);
    return std::unique_ptr<SqliteStreamStore>(
        new SqliteStreamStore(std::make_unique<Impl>(std::move(database))));
  } catch (const std::exception& failure) {
    throw std::runtime_error("cannot open stream store '" + file.string() + "': " + failure.what());
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
  std::lock_guard lock(impl_->mutex);
  try {
    // Rolled back by its destructor on every early return and exception.
    SQLite::Transaction transaction(impl_->database, SQLite::TransactionBehavior::IMMEDIATE);
    NextOffsets next_offsets;
    std::vector<AppendResult> results;
    results.reserve(records.size());
    for (const NewRecord& record : records) {
      if (Status valid = validate_new_record(record); !valid) return valid.error();
      results.push_back(impl_->append_one(record, next_offsets));
    }
    impl_->write_back(next_offsets);
    transaction.commit();
    return results;
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("stream store: append failed: ") + failure.what());
  }
}

Result<std::vector<StreamRecord>> SqliteStreamStore::read(std::string_view stream,
                                                          std::uint64_t from_offset,
                                                          std::size_t limit) const {
  std::lock_guard lock(impl_->mutex);
  try {
    {
      StatementUse query(impl_->find_stream);
      query->bind(1, std::string(stream));
      if (!query->executeStep()) return stream_not_found(stream);
    }
    StatementUse query(impl_->read_records);
    query->bind(1, std::string(stream));
    query->bind(2, clamped(from_offset));
    query->bind(3, clamped(limit));
    std::vector<StreamRecord> records;
    while (query->executeStep()) records.push_back(impl_->record_from_row(stream, *query));
    return records;
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("stream store: read failed: ") + failure.what());
  }
}

Result<std::vector<StreamInfo>> SqliteStreamStore::list() const {
  std::lock_guard lock(impl_->mutex);
  try {
    StatementUse query(impl_->list_streams);
    std::vector<StreamInfo> infos;
    while (query->executeStep()) {
      StreamInfo info;
      info.name = query->getColumn(0).getString();
      info.next_offset = static_cast<std::uint64_t>(query->getColumn(1).getInt64());
      info.first_offset = query->isColumnNull(2)
                              ? info.next_offset
                              : static_cast<std::uint64_t>(query->getColumn(2).getInt64());
      // Offsets are contiguous (see sqlite_stream_schema.h): no count(*) scan.
      info.record_count = info.next_offset - info.first_offset;
      infos.push_back(std::move(info));
    }
    return infos;
  } catch (const std::exception& failure) {
    return make_error(ErrorCode::internal,
                      std::string("stream store: list failed: ") + failure.what());
  }
}

}  // namespace edgehub::hub

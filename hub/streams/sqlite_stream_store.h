// StreamStore over streams.db (SQLite, WAL, synchronous=NORMAL): a committed
// append survives a crash of the process (kill -9); only a power loss or
// kernel crash may roll back the last commits. The store is the file's only
// writer (hubd): it keeps each stream's offsets, size and policy in memory.
#pragma once

#include <filesystem>
#include <memory>

#include "streams/stream_store.h"

namespace edgehub::hub {

class SqliteStreamStore final : public StreamStore {
 public:
  // Opens or creates the file. Throws std::runtime_error naming the file if it
  // cannot be opened or created, is not a SQLite database, holds a
  // different schema or a newer schema version (sqlite/open_database.h);
  // upgrades a file of an older version in place.
  static std::unique_ptr<SqliteStreamStore> open(const std::filesystem::path& file);
  ~SqliteStreamStore() override;

  // Thread-safe. Database failures at run time (disk full, I/O error) are
  // returned as ErrorCode::internal; a failed batch leaves nothing behind.
  Result<AppendResult> append(const NewRecord& record) override;
  Result<std::vector<AppendResult>> append_batch(std::span<const NewRecord> records) override;
  Result<std::vector<AppendResult>> append_group(std::span<const NewRecord> records,
                                                 const SourcePosition* position) override;
  Result<std::optional<std::uint64_t>> source_position(std::string_view source) const override;
  Result<std::vector<StreamRecord>> read(std::string_view stream, std::uint64_t from_offset,
                                         std::size_t limit) const override;
  Result<std::vector<StreamInfo>> list() const override;

  Result<StreamInfo> create_stream(std::string_view stream, const RetentionPolicy& policy,
                                   std::int64_t now_ms) override;
  Status ensure_stream(std::string_view stream, std::int64_t now_ms) override;
  Result<StreamInfo> configure_stream(std::string_view stream,
                                      const RetentionPolicy& policy) override;
  Result<StreamInfo> stream_info(std::string_view stream) const override;
  Result<RetentionRun> enforce_retention(std::int64_t now_ms, std::size_t batch_limit) override;

  Result<std::uint64_t> offset_at_time(std::string_view stream, std::int64_t at_ms) const override;
  Result<ConsumerGroupOffset> commit_offset(std::string_view group, std::string_view stream,
                                            std::uint64_t committed_offset,
                                            std::int64_t now_ms) override;
  Result<std::optional<ConsumerGroupOffset>> committed_offset(
      std::string_view group, std::string_view stream) const override;
  Result<std::vector<ConsumerGroupOffset>> consumer_groups(std::string_view stream) const override;
  Result<StreamCursor> create_cursor(const StreamCursor& cursor) override;
  Result<StreamCursor> update_cursor(std::string_view name, std::string_view definition,
                                     bool holds_retention, std::int64_t now_ms) override;
  Result<StreamCursor> advance_cursor(std::string_view name, std::uint64_t position,
                                      std::uint64_t skipped_more, std::int64_t now_ms) override;
  Result<std::vector<StreamCursor>> cursors() const override;
  Status remove_cursor(std::string_view name) override;
  bool wait_for_records(std::string_view stream, std::uint64_t from_offset,
                        std::chrono::milliseconds timeout) const override;
  void interrupt_waits() override;

 private:
  struct Impl;
  explicit SqliteStreamStore(std::unique_ptr<Impl> impl);
  Result<std::vector<AppendResult>> append_in_transaction(std::span<const NewRecord> records,
                                                          const SourcePosition* position,
                                                          bool count_refused);
  // Writes one cursor row and takes it as committed; Impl::mutex held.
  Result<StreamCursor> save_cursor_locked(const StreamCursor& cursor);
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgehub::hub

// StreamStore in memory, for unit tests of the modules that use streams.
// Behaves like SqliteStreamStore (the same test cases run against both).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "streams/append_signal.h"
#include "streams/cursor_set.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

class MemoryStreamStore final : public StreamStore {
 public:
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
  struct Stream {
    std::uint64_t next_offset = 0;
    std::uint64_t total_bytes = 0;
    std::deque<StreamRecord> records;  // offsets next_offset - size() .. next_offset - 1
    std::map<std::pair<std::string, std::uint64_t>, std::uint64_t> offset_by_device_seq;
    RetentionPolicy retention;
    std::uint64_t rejected = 0;
  };

  Result<std::vector<AppendResult>> append_all(std::span<const NewRecord> records,
                                               const SourcePosition* position, bool count_refused);
  AppendResult append_validated(const NewRecord& record);
  Status check_room(std::span<const NewRecord> records, bool count_refused);
  RetentionRun trim(Stream& stream, std::uint64_t incoming_bytes, std::uint64_t incoming_records,
                    std::optional<std::int64_t> cutoff_ms, std::size_t limit,
                    std::optional<std::uint64_t> floor);
  StreamInfo info_of(const std::string& name, const Stream& stream) const;

  mutable std::mutex mutex_;
  std::map<std::string, Stream, std::less<>> streams_;
  std::map<std::pair<std::string, std::string>, ConsumerGroupOffset> groups_;  // (stream, group)
  std::map<std::string, std::uint64_t, std::less<>> source_positions_;
  CursorSet cursors_;
  AppendSignal appended_;
};

}  // namespace edgehub::hub

#include "streams/memory_stream_store.h"

#include <algorithm>
#include <limits>
#include <set>

#include "streams/new_record_validation.h"
#include "streams/stream_errors.h"

namespace edgehub::hub {

Result<AppendResult> MemoryStreamStore::append(const NewRecord& record) {
  Result<std::vector<AppendResult>> appended = append_batch(std::span(&record, 1));
  if (!appended) return appended.error();
  return appended->front();
}

// Everything that can refuse a batch is checked before anything changes, so
// that a refused batch leaves nothing behind (as a rolled-back transaction).
Status MemoryStreamStore::check_room(std::span<const NewRecord> records, bool count_refused) {
  struct Projected {
    std::uint64_t records = 0;
    std::uint64_t bytes = 0;
  };
  std::map<std::string, Projected, std::less<>> projected;
  std::set<std::tuple<std::string, std::string, std::uint64_t>> seen;
  for (const NewRecord& record : records) {
    const auto found = streams_.find(record.stream);
    if (found == streams_.end()) continue;  // a new stream has no limits
    const Stream& stream = found->second;
    if (stream.retention.max_bytes && record.payload.size() > *stream.retention.max_bytes) {
      return record_over_stream_size(record.stream, record.payload.size(),
                                     *stream.retention.max_bytes);
    }
    if (record.seq) {
      if (stream.offset_by_device_seq.count({record.device_id, *record.seq}) > 0) continue;
      if (!seen.emplace(record.stream, record.device_id, *record.seq).second) continue;
    }
    const std::optional<std::uint64_t> floor = cursors_.floor(record.stream);
    const bool rejects = stream.retention.when_full == WhenFull::reject;
    if (!rejects && !floor) continue;
    auto [entry, fresh] = projected.try_emplace(record.stream);
    if (fresh) {
      entry->second = {stream.records.size(), stream.total_bytes};
      // What delete-oldest may make room with: the records below the floor.
      for (const StreamRecord& old : stream.records) {
        if (rejects || old.offset >= *floor) break;
        entry->second.records -= 1;
        entry->second.bytes -= old.payload.size();
      }
    }
    entry->second.records += 1;
    entry->second.bytes += record.payload.size();
    if (exceeds_limits(stream.retention, entry->second.records, entry->second.bytes)) {
      for (const NewRecord& refused : records) {
        if (count_refused && refused.stream == record.stream) ++streams_[record.stream].rejected;
      }
      if (rejects) return stream_full(record.stream);
      return stream_held(record.stream, *floor);
    }
  }
  return ok_status();
}

Result<std::vector<AppendResult>> MemoryStreamStore::append_batch(
    std::span<const NewRecord> records) {
  return append_all(records, nullptr, true);
}

Result<std::vector<AppendResult>> MemoryStreamStore::append_group(
    std::span<const NewRecord> records, const SourcePosition* position) {
  return append_all(records, position, false);
}

Result<std::optional<std::uint64_t>> MemoryStreamStore::source_position(
    std::string_view source) const {
  std::lock_guard lock(mutex_);
  const auto found = source_positions_.find(source);
  if (found == source_positions_.end()) return std::optional<std::uint64_t>();
  return std::optional<std::uint64_t>(found->second);
}

Result<std::vector<AppendResult>> MemoryStreamStore::append_all(std::span<const NewRecord> records,
                                                                const SourcePosition* position,
                                                                bool count_refused) {
  for (const NewRecord& record : records) {
    if (Status valid = validate_new_record(record); !valid) return valid.error();
  }
  std::vector<AppendResult> results;
  {
    std::lock_guard lock(mutex_);
    if (Status room = check_room(records, count_refused); !room) return room.error();
    results.reserve(records.size());
    for (const NewRecord& record : records) results.push_back(append_validated(record));
    if (position != nullptr) source_positions_[position->source] = position->position;
  }
  if (!records.empty()) appended_.notify();
  return results;
}

AppendResult MemoryStreamStore::append_validated(const NewRecord& record) {
  Stream& stream = streams_[record.stream];
  if (record.seq) {
    const auto key = std::make_pair(record.device_id, *record.seq);
    const auto existing = stream.offset_by_device_seq.find(key);
    if (existing != stream.offset_by_device_seq.end()) return {existing->second, true};
  }
  trim(stream, record.payload.size(), 1, std::nullopt, std::numeric_limits<std::size_t>::max(),
       cursors_.floor(record.stream));
  if (record.seq)
    stream.offset_by_device_seq.emplace(std::make_pair(record.device_id, *record.seq),
                                        stream.next_offset);
  const std::uint64_t offset = stream.next_offset++;
  stream.total_bytes += record.payload.size();
  stream.records.push_back(StreamRecord{record.stream, offset, record.received_at_ms,
                                        record.device_id, record.seq, record.topic, record.payload,
                                        record.reason});
  return {offset, false};
}

RetentionRun MemoryStreamStore::trim(Stream& stream, std::uint64_t incoming_bytes,
                                     std::uint64_t incoming_records,
                                     std::optional<std::int64_t> cutoff_ms, std::size_t limit,
                                     std::optional<std::uint64_t> floor) {
  RetentionRun run;
  while (!stream.records.empty() && run.deleted_records < limit) {
    const StreamRecord& oldest = stream.records.front();
    if (floor && oldest.offset >= *floor) break;
    const bool expired = cutoff_ms && oldest.received_at_ms < *cutoff_ms;
    const bool over = exceeds_limits(stream.retention, stream.records.size() + incoming_records,
                                     stream.total_bytes + incoming_bytes);
    if (!expired && !over) break;
    if (oldest.seq) stream.offset_by_device_seq.erase({oldest.device_id, *oldest.seq});
    stream.total_bytes -= oldest.payload.size();
    run.deleted_bytes += oldest.payload.size();
    ++run.deleted_records;
    stream.records.pop_front();
  }
  return run;
}

Result<std::vector<StreamRecord>> MemoryStreamStore::read(std::string_view stream,
                                                          std::uint64_t from_offset,
                                                          std::size_t limit) const {
  std::lock_guard lock(mutex_);
  const auto found = streams_.find(stream);
  if (found == streams_.end()) return stream_not_found(stream);
  const auto& records = found->second.records;
  const std::uint64_t first_offset = found->second.next_offset - records.size();
  const std::uint64_t skip = std::max(from_offset, first_offset) - first_offset;
  if (skip >= records.size()) return std::vector<StreamRecord>{};
  const std::size_t count = std::min<std::size_t>(limit, records.size() - skip);
  const auto begin = records.begin() + static_cast<std::ptrdiff_t>(skip);
  return std::vector<StreamRecord>(begin, begin + static_cast<std::ptrdiff_t>(count));
}

StreamInfo MemoryStreamStore::info_of(const std::string& name, const Stream& stream) const {
  const std::uint64_t count = stream.records.size();
  return StreamInfo{name,
                    stream.next_offset - count,
                    stream.next_offset,
                    count,
                    stream.total_bytes,
                    stream.retention,
                    stream.rejected,
                    cursors_.floor(name)};
}

Result<std::vector<StreamInfo>> MemoryStreamStore::list() const {
  std::lock_guard lock(mutex_);
  std::vector<StreamInfo> infos;
  for (const auto& [name, stream] : streams_) infos.push_back(info_of(name, stream));
  return infos;
}

Result<StreamInfo> MemoryStreamStore::create_stream(std::string_view stream,
                                                    const RetentionPolicy& policy, std::int64_t) {
  if (Status name = validate_stream_name(stream); !name) return name.error();
  if (Status valid = validate_retention_policy(policy); !valid) return valid.error();
  std::lock_guard lock(mutex_);
  if (streams_.find(stream) != streams_.end()) return stream_exists(stream);
  Stream& created = streams_[std::string(stream)];
  created.retention = policy;
  return info_of(std::string(stream), created);
}

Status MemoryStreamStore::ensure_stream(std::string_view stream, std::int64_t) {
  if (Status name = validate_stream_name(stream); !name) return name.error();
  std::lock_guard lock(mutex_);
  if (streams_.find(stream) == streams_.end()) streams_[std::string(stream)];
  return ok_status();
}

Result<StreamInfo> MemoryStreamStore::configure_stream(std::string_view stream,
                                                       const RetentionPolicy& policy) {
  if (Status valid = validate_retention_policy(policy); !valid) return valid.error();
  std::lock_guard lock(mutex_);
  const auto found = streams_.find(stream);
  if (found == streams_.end()) return stream_not_found(stream);
  found->second.retention = policy;
  return info_of(found->first, found->second);
}

Result<StreamInfo> MemoryStreamStore::stream_info(std::string_view stream) const {
  std::lock_guard lock(mutex_);
  const auto found = streams_.find(stream);
  if (found == streams_.end()) return stream_not_found(stream);
  return info_of(found->first, found->second);
}

Result<RetentionRun> MemoryStreamStore::enforce_retention(std::int64_t now_ms,
                                                          std::size_t batch_limit) {
  std::lock_guard lock(mutex_);
  RetentionRun total;
  for (auto& [name, stream] : streams_) {
    std::optional<std::int64_t> cutoff;
    if (stream.retention.max_age_ms) cutoff = now_ms - *stream.retention.max_age_ms;
    const RetentionRun run = trim(stream, 0, 0, cutoff, batch_limit, cursors_.floor(name));
    total.deleted_records += run.deleted_records;
    total.deleted_bytes += run.deleted_bytes;
  }
  return total;
}

Result<std::uint64_t> MemoryStreamStore::offset_at_time(std::string_view stream,
                                                        std::int64_t at_ms) const {
  std::lock_guard lock(mutex_);
  const auto found = streams_.find(stream);
  if (found == streams_.end()) return stream_not_found(stream);
  // Earliest received_at_ms >= at_ms, lowest offset among equals (as the
  // SQLite store's (stream, received_at_ms, offset) index answers).
  std::optional<std::pair<std::int64_t, std::uint64_t>> best;
  for (const StreamRecord& record : found->second.records) {
    if (record.received_at_ms < at_ms) continue;
    const std::pair candidate{record.received_at_ms, record.offset};
    if (!best || candidate < *best) best = candidate;
  }
  return best ? best->second : found->second.next_offset;
}

Result<ConsumerGroupOffset> MemoryStreamStore::commit_offset(std::string_view group,
                                                             std::string_view stream,
                                                             std::uint64_t committed_offset,
                                                             std::int64_t now_ms) {
  if (Status name = validate_group_name(group); !name) return name.error();
  std::lock_guard lock(mutex_);
  const auto found = streams_.find(stream);
  if (found == streams_.end()) return stream_not_found(stream);
  if (committed_offset > found->second.next_offset) {
    return offset_beyond_end(committed_offset, found->second.next_offset);
  }
  ConsumerGroupOffset commit{std::string(group), std::string(stream), committed_offset, now_ms};
  groups_[{commit.stream, commit.group}] = commit;
  return commit;
}

Result<std::optional<ConsumerGroupOffset>> MemoryStreamStore::committed_offset(
    std::string_view group, std::string_view stream) const {
  if (Status name = validate_group_name(group); !name) return name.error();
  std::lock_guard lock(mutex_);
  if (streams_.find(stream) == streams_.end()) return stream_not_found(stream);
  const auto found = groups_.find({std::string(stream), std::string(group)});
  if (found == groups_.end()) return std::optional<ConsumerGroupOffset>();
  return std::optional<ConsumerGroupOffset>(found->second);
}

Result<std::vector<ConsumerGroupOffset>> MemoryStreamStore::consumer_groups(
    std::string_view stream) const {
  std::lock_guard lock(mutex_);
  if (streams_.find(stream) == streams_.end()) return stream_not_found(stream);
  std::vector<ConsumerGroupOffset> groups;
  for (const auto& [key, commit] : groups_) {
    if (key.first == stream) groups.push_back(commit);
  }
  return groups;
}

Result<StreamCursor> MemoryStreamStore::create_cursor(const StreamCursor& cursor) {
  std::lock_guard lock(mutex_);
  const auto found = streams_.find(cursor.stream);
  if (found == streams_.end()) return stream_not_found(cursor.stream);
  const Stream& stream = found->second;
  auto created = cursors_.prepare_create(cursor, stream.next_offset - stream.records.size(),
                                         stream.next_offset, cursor.updated_at_ms);
  if (created) cursors_.put(*created);
  return created;
}

Result<StreamCursor> MemoryStreamStore::update_cursor(std::string_view name,
                                                      std::string_view definition,
                                                      bool holds_retention, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  const StreamCursor* current = cursors_.find(name);
  if (current == nullptr) return cursor_not_found(name);
  StreamCursor updated = *current;
  updated.definition = definition;
  updated.holds_retention = holds_retention;
  updated.updated_at_ms = now_ms;
  cursors_.put(updated);
  return updated;
}

Result<StreamCursor> MemoryStreamStore::advance_cursor(std::string_view name,
                                                       std::uint64_t position,
                                                       std::uint64_t skipped_more,
                                                       std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  const StreamCursor* current = cursors_.find(name);
  if (current == nullptr) return cursor_not_found(name);
  const auto stream = streams_.find(current->stream);
  const std::uint64_t next_offset = stream == streams_.end() ? 0 : stream->second.next_offset;
  auto advanced = cursors_.prepare_advance(name, position, skipped_more, next_offset, now_ms);
  if (advanced) cursors_.put(*advanced);
  return advanced;
}

Result<std::vector<StreamCursor>> MemoryStreamStore::cursors() const {
  std::lock_guard lock(mutex_);
  return cursors_.all();
}

Status MemoryStreamStore::remove_cursor(std::string_view name) {
  std::lock_guard lock(mutex_);
  if (cursors_.find(name) == nullptr) return cursor_not_found(name);
  cursors_.erase(name);
  return ok_status();
}

bool MemoryStreamStore::wait_for_records(std::string_view stream, std::uint64_t from_offset,
                                         std::chrono::milliseconds timeout) const {
  return appended_.wait(
      [&] {
        std::lock_guard lock(mutex_);
        const auto found = streams_.find(stream);
        return found != streams_.end() && found->second.next_offset > from_offset &&
               !found->second.records.empty();
      },
      timeout);
}

void MemoryStreamStore::interrupt_waits() { appended_.interrupt(); }

}  // namespace edgehub::hub

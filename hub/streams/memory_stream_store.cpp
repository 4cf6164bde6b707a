#include "streams/memory_stream_store.h"

#include <algorithm>

#include "streams/new_record_validation.h"
#include "streams/stream_errors.h"

namespace edgehub::hub {

Result<AppendResult> MemoryStreamStore::append(const NewRecord& record) {
  Result<std::vector<AppendResult>> appended = append_batch(std::span(&record, 1));
  if (!appended) return appended.error();
  return appended->front();
}

Result<std::vector<AppendResult>> MemoryStreamStore::append_batch(
    std::span<const NewRecord> records) {
  // Validation is the only way an append can fail here: check everything
  // first, so that a refused batch leaves nothing behind.
  for (const NewRecord& record : records) {
    if (Status valid = validate_new_record(record); !valid) return valid.error();
  }
  std::lock_guard lock(mutex_);
  std::vector<AppendResult> results;
  results.reserve(records.size());
  for (const NewRecord& record : records) results.push_back(append_validated(record));
  return results;
}

AppendResult MemoryStreamStore::append_validated(const NewRecord& record) {
  Stream& stream = streams_[record.stream];
  if (record.seq) {
    const auto key = std::make_pair(record.device_id, *record.seq);
    const auto existing = stream.offset_by_device_seq.find(key);
    if (existing != stream.offset_by_device_seq.end()) return {existing->second, true};
    stream.offset_by_device_seq.emplace(key, stream.next_offset);
  }
  const std::uint64_t offset = stream.next_offset++;
  stream.records.push_back(StreamRecord{record.stream, offset, record.received_at_ms,
                                        record.device_id, record.seq, record.topic, record.payload,
                                        record.reason});
  return {offset, false};
}

Result<std::vector<StreamRecord>> MemoryStreamStore::read(std::string_view stream,
                                                          std::uint64_t from_offset,
                                                          std::size_t limit) const {
  std::lock_guard lock(mutex_);
  const auto found = streams_.find(stream);
  if (found == streams_.end()) return stream_not_found(stream);
  const std::vector<StreamRecord>& records = found->second.records;
  const std::uint64_t first_offset = found->second.next_offset - records.size();
  const std::uint64_t skip = std::max(from_offset, first_offset) - first_offset;
  if (skip >= records.size()) return std::vector<StreamRecord>{};
  const std::size_t count = std::min<std::size_t>(limit, records.size() - skip);
  const auto begin = records.begin() + static_cast<std::ptrdiff_t>(skip);
  return std::vector<StreamRecord>(begin, begin + static_cast<std::ptrdiff_t>(count));
}

Result<std::vector<StreamInfo>> MemoryStreamStore::list() const {
  std::lock_guard lock(mutex_);
  std::vector<StreamInfo> infos;
  for (const auto& [name, stream] : streams_) {
    const std::uint64_t count = stream.records.size();
    infos.push_back(StreamInfo{name, stream.next_offset - count, stream.next_offset, count});
  }
  return infos;
}

}  // namespace edgehub::hub

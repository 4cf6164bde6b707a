#include "hubd/journaled_dead_letters.h"

#include "ingest/decided_dead_letter.h"
#include "journal/group_commit.h"

namespace edgehub::hub {

JournaledDeadLetters::JournaledDeadLetters(GroupCommit& group_commit, StreamStore& streams)
    : group_commit_(group_commit), streams_(streams) {}

Result<AppendResult> JournaledDeadLetters::append(const NewRecord& record) {
  if (record.stream != kDeadLetterStream) return streams_.append(record);
  const Status journaled = group_commit_.submit(
      record.received_at_ms,
      decided_dead_letter_topic(record.device_id, record.topic, record.reason.value_or("")),
      record.payload);
  if (!journaled) return journaled.error();
  return AppendResult{};
}

Result<std::vector<AppendResult>> JournaledDeadLetters::append_batch(
    std::span<const NewRecord> records) {
  return streams_.append_batch(records);
}

Result<std::vector<StreamRecord>> JournaledDeadLetters::read(std::string_view stream,
                                                             std::uint64_t from_offset,
                                                             std::size_t limit) const {
  return streams_.read(stream, from_offset, limit);
}

Result<std::vector<StreamInfo>> JournaledDeadLetters::list() const { return streams_.list(); }

}  // namespace edgehub::hub

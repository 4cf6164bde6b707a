#include "api/ndjson_records.h"

#include <algorithm>

#include "api/api_response.h"
#include "api/record_text.h"

namespace edgehub::hub {

NdjsonRecords::NdjsonRecords(const StreamStore& store, std::string stream, std::uint64_t from,
                             std::uint64_t limit, std::vector<StreamRecord> first)
    : store_(store),
      stream_(std::move(stream)),
      next_offset_(from),
      remaining_(limit),
      first_(std::move(first)) {}

std::string NdjsonRecords::render(const std::vector<StreamRecord>& records) {
  std::string part;
  std::size_t bytes = 0;
  for (const StreamRecord& record : records) {
    bytes += 120 + record.device_id.size() + record.topic.size() + record.payload.size() * 4 / 3;
  }
  part.reserve(bytes);
  for (const StreamRecord& record : records) {
    append_record_text(part, record);
    part += '\n';
    next_offset_ = record.offset + 1;
  }
  remaining_ -= std::min<std::uint64_t>(remaining_, records.size());
  // A short read means the stream has nothing more right now.
  if (remaining_ == 0 || records.size() < kRecordsPerNdjsonPart) at_end_ = true;
  return part;
}

std::string NdjsonRecords::last_line() {
  finished_ = true;
  return "{\"next_offset\":" + std::to_string(next_offset_) + "}\n";
}

std::string NdjsonRecords::next_part() {
  if (finished_) return {};
  if (!first_given_) {
    first_given_ = true;
    const std::vector<StreamRecord> first = std::move(first_);  // not kept once sent
    std::string part = render(first);
    if (at_end_) part += last_line();
    return part;
  }
  if (at_end_) return last_line();
  const auto count =
      static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, kRecordsPerNdjsonPart));
  auto records = store_.read(stream_, next_offset_, count);
  if (!records) {
    finished_ = true;
    return error_response(records.error()).body + "\n";
  }
  std::string part = render(*records);
  if (at_end_) part += last_line();
  return part;
}

}  // namespace edgehub::hub

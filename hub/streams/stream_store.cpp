#include "streams/stream_store.h"

#include <thread>

namespace edgehub::hub {
namespace {

Error not_supported(const char* what) {
  return make_error(ErrorCode::internal, std::string("this stream store does not support ") + what);
}

}  // namespace

NewRecord make_dead_letter(std::string_view topic, std::string_view device_id,
                           std::string_view payload, std::string reason,
                           std::int64_t received_at_ms) {
  NewRecord record;
  record.stream = std::string(kDeadLetterStream);
  record.received_at_ms = received_at_ms;
  record.device_id = std::string(device_id);
  record.topic = std::string(topic);
  record.payload = std::string(payload);
  record.reason = std::move(reason);
  return record;
}

const char* to_string(WhenFull when_full) noexcept {
  return when_full == WhenFull::reject ? "reject" : "delete-oldest";
}

std::optional<WhenFull> when_full_from_string(std::string_view text) noexcept {
  if (text == "reject") return WhenFull::reject;
  if (text == "delete-oldest") return WhenFull::delete_oldest;
  return std::nullopt;
}

// Defaults for stores that only append and read (test doubles of other
// modules); both real implementations override every one of them.
Result<StreamInfo> StreamStore::create_stream(std::string_view, const RetentionPolicy&,
                                              std::int64_t) {
  return not_supported("creating streams");
}
Status StreamStore::ensure_stream(std::string_view, std::int64_t) { return ok_status(); }
Result<std::vector<AppendResult>> StreamStore::append_group(std::span<const NewRecord>,
                                                            const SourcePosition*) {
  return not_supported("source positions");
}
Result<std::optional<std::uint64_t>> StreamStore::source_position(std::string_view) const {
  return not_supported("source positions");
}
Result<StreamInfo> StreamStore::configure_stream(std::string_view, const RetentionPolicy&) {
  return not_supported("retention policies");
}
Result<StreamInfo> StreamStore::stream_info(std::string_view stream) const {
  auto streams = list();
  if (!streams) return streams.error();
  for (StreamInfo& info : *streams) {
    if (info.name == stream) return std::move(info);
  }
  return make_error(ErrorCode::not_found, "stream '" + std::string(stream) + "' does not exist");
}
Result<RetentionRun> StreamStore::enforce_retention(std::int64_t, std::size_t) {
  return RetentionRun{};
}
Result<std::uint64_t> StreamStore::offset_at_time(std::string_view, std::int64_t) const {
  return not_supported("reading by time");
}
Result<ConsumerGroupOffset> StreamStore::commit_offset(std::string_view, std::string_view,
                                                       std::uint64_t, std::int64_t) {
  return not_supported("consumer groups");
}
Result<std::optional<ConsumerGroupOffset>> StreamStore::committed_offset(std::string_view,
                                                                         std::string_view) const {
  return not_supported("consumer groups");
}
Result<std::vector<ConsumerGroupOffset>> StreamStore::consumer_groups(std::string_view) const {
  return not_supported("consumer groups");
}
Result<StreamCursor> StreamStore::create_cursor(const StreamCursor&) {
  return not_supported("cursors");
}
Result<StreamCursor> StreamStore::update_cursor(std::string_view, std::string_view, bool,
                                                std::int64_t) {
  return not_supported("cursors");
}
Result<StreamCursor> StreamStore::advance_cursor(std::string_view, std::uint64_t, std::uint64_t,
                                                 std::int64_t) {
  return not_supported("cursors");
}
Result<std::vector<StreamCursor>> StreamStore::cursors() const {
  return std::vector<StreamCursor>{};
}
Status StreamStore::remove_cursor(std::string_view) { return not_supported("cursors"); }
bool StreamStore::wait_for_records(std::string_view, std::uint64_t,
                                   std::chrono::milliseconds) const {
  return false;
}
void StreamStore::interrupt_waits() {}

}  // namespace edgehub::hub

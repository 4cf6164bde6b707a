#include "api/stream_handlers.h"

#include <charconv>

#include "api/json_views.h"
#include "api/record_text.h"

namespace edgehub::hub {
namespace {
Result<std::uint64_t> unsigned_parameter(std::string_view name, std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return invalid_request("query parameter '" + std::string(name) +
                           "' must be an unsigned integer, not '" + std::string(text) + "'");
  }
  return value;
}

Json optional_number(const auto& value) { return value ? Json(*value) : Json(nullptr); }

Json policy_json(const RetentionPolicy& policy) {
  return Json{{"max_age_ms", optional_number(policy.max_age_ms)},
              {"max_bytes", optional_number(policy.max_bytes)},
              {"max_records", optional_number(policy.max_records)},
              {"when_full", to_string(policy.when_full)}};
}

Json info_json(const StreamInfo& info) {
  return Json{{"name", info.name},
              {"first_offset", info.first_offset},
              {"next_offset", info.next_offset},
              {"record_count", info.record_count},
              {"total_bytes", info.total_bytes},
              {"retention", policy_json(info.retention)},
              {"rejected", info.rejected},
              // The lowest offset an export with on_retention keep has not
              // sent: retention keeps it and everything after (null: none).
              {"retention_floor", optional_number(info.retention_floor)}};
}

Json group_json(const ConsumerGroupOffset& commit, std::optional<std::uint64_t> next_offset) {
  Json json = {{"group", commit.group},
               {"stream", commit.stream},
               {"committed_offset", commit.committed_offset},
               {"updated_at_ms", commit.updated_at_ms}};
  if (next_offset) {
    json["lag"] =
        *next_offset > commit.committed_offset ? *next_offset - commit.committed_offset : 0;
  }
  return json;
}

// Applies the policy fields present in `request` to `policy`: an unsigned
// integer sets a limit, null removes it.
Status apply_policy_fields(const Json& request, RetentionPolicy& policy) {
  const auto limit = [&](const char* field, auto& target) -> Status {
    const auto given = request.find(field);
    if (given == request.end()) return ok_status();
    if (given->is_null()) {
      target.reset();
      return ok_status();
    }
    if (!given->is_number_unsigned()) {
      return invalid_request(std::string("field '") + field +
                             "' must be an unsigned integer or null");
    }
    const auto value = given->template get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return invalid_request(std::string("field '") + field + "' is too large");
    }
    target = static_cast<std::remove_reference_t<decltype(*target)>>(value);
    return ok_status();
  };
  if (Status done = limit("max_age_ms", policy.max_age_ms); !done) return done;
  if (Status done = limit("max_bytes", policy.max_bytes); !done) return done;
  if (Status done = limit("max_records", policy.max_records); !done) return done;
  if (const auto given = request.find("when_full"); given != request.end()) {
    const auto parsed =
        given->is_string() ? when_full_from_string(given->get<std::string>()) : std::nullopt;
    if (!parsed)
      return invalid_request("field 'when_full' must be \"reject\" or \"delete-oldest\"");
    policy.when_full = *parsed;
  }
  return ok_status();
}

}  // namespace

StreamHandlers::StreamHandlers(StreamStore& store, const Clock& clock)
    : store_(store), clock_(clock) {}

ApiResponse StreamHandlers::list() const {
  auto streams = store_.list();
  if (!streams) return error_response(streams.error());
  Json list = Json::array();
  for (const auto& info : *streams) list.push_back(info_json(info));
  return json_response(200, Json{{"streams", std::move(list)}});
}

ApiResponse StreamHandlers::info(std::string_view stream) const {
  auto info = store_.stream_info(stream);
  if (!info) return error_response(info.error());
  Json json = info_json(*info);
  Json refused = Json::object();
  if (refusals_) {
    for (const auto& [device, count] : refusals_(stream)) refused[device] = count;
  }
  json["rejected_by_device"] = std::move(refused);
  return json_response(200, json);
}

ApiResponse StreamHandlers::create(std::string_view body) {
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  const auto name = request->find("name");
  if (name == request->end() || !name->is_string()) {
    return error_response(invalid_request("field 'name' (string) is required"));
  }
  RetentionPolicy policy;
  if (Status applied = apply_policy_fields(*request, policy); !applied) {
    return error_response(applied.error());
  }
  auto created = store_.create_stream(name->get<std::string>(), policy, clock_.now_ms());
  if (!created) return error_response(created.error());
  return json_response(201, info_json(*created));
}

ApiResponse StreamHandlers::configure(std::string_view stream, std::string_view body) {
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  auto current = store_.stream_info(stream);
  if (!current) return error_response(current.error());
  RetentionPolicy policy = current->retention;
  if (Status applied = apply_policy_fields(*request, policy); !applied) {
    return error_response(applied.error());
  }
  auto configured = store_.configure_stream(stream, policy);
  if (!configured) return error_response(configured.error());
  return json_response(200, info_json(*configured));
}

Result<std::uint64_t> StreamHandlers::start_offset(std::string_view stream,
                                                   const ReadStart& start) const {
  const int given = (start.from ? 1 : 0) + (start.from_time ? 1 : 0) + (start.group ? 1 : 0);
  if (given > 1) return invalid_request("give at most one of 'from', 'from_time' and 'group'");
  if (start.from) return unsigned_parameter("from", *start.from);
  if (start.from_time) {
    auto at = unsigned_parameter("from_time", *start.from_time);
    if (!at) return at.error();
    if (*at > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return invalid_request("query parameter 'from_time' is too large");
    }
    return store_.offset_at_time(stream, static_cast<std::int64_t>(*at));
  }
  if (start.group) {
    auto committed = store_.committed_offset(*start.group, stream);
    if (!committed) return committed.error();
    // A group that never committed starts at the oldest retained record.
    return committed->has_value() ? (*committed)->committed_offset : 0;
  }
  // Existence check, so that an unknown stream is 404 here as in read().
  if (auto info = store_.stream_info(stream); !info) return info.error();
  return std::uint64_t{0};
}

Result<RecordsBatch> StreamHandlers::read_batch(std::string_view stream, std::uint64_t from,
                                                std::size_t limit,
                                                std::optional<std::string_view> device) const {
  auto records = store_.read(stream, from, limit);
  if (!records) return records.error();
  RecordsBatch batch;
  batch.next_offset = from;
  batch.records.reserve(records->size());
  for (const StreamRecord& record : *records) {
    batch.next_offset = record.offset + 1;
    if (device && record.device_id != *device) continue;
    batch.records.push_back(record_text(record));
    batch.offsets.push_back(record.offset);
  }
  return batch;
}

bool StreamHandlers::wait_for_records(std::string_view stream, std::uint64_t from,
                                      std::chrono::milliseconds timeout) const {
  return store_.wait_for_records(stream, from, timeout);
}

Result<StreamHandlers::TailSlot> StreamHandlers::acquire_tail_slot() const {
  if (++waiting_tails_ > kMaxWaitingTails) {
    --waiting_tails_;
    return make_error(ErrorCode::unavailable, "too many tails are waiting (" +
                                                  std::to_string(kMaxWaitingTails) +
                                                  "); retry later or read without wait_ms");
  }
  return TailSlot(waiting_tails_);
}

Result<StreamHandlers::FirstRecords> StreamHandlers::read_first(
    std::string_view stream, const ReadStart& start, std::optional<std::string_view> limit,
    std::optional<std::string_view> wait_ms, std::size_t max_limit, std::size_t first_count) const {
  std::uint64_t count = kDefaultRecordsPerStreamRead;
  if (limit) {
    auto parsed = unsigned_parameter("limit", *limit);
    if (!parsed) return parsed.error();
    count = *parsed;
  }
  if (count < 1 || count > max_limit) {
    return invalid_request("query parameter 'limit' must be 1-" + std::to_string(max_limit));
  }
  std::chrono::milliseconds wait{0};
  if (wait_ms) {
    auto parsed = unsigned_parameter("wait_ms", *wait_ms);
    if (!parsed) return parsed.error();
    if (*parsed > static_cast<std::uint64_t>(kMaxWait.count())) {
      return invalid_request("query parameter 'wait_ms' must be 0-" +
                             std::to_string(kMaxWait.count()));
    }
    wait = std::chrono::milliseconds(*parsed);
  }
  auto from = start_offset(stream, start);
  if (!from) {
    // telemetry and deadletter exist from the start for a reader (a store
    // hubd did not prepare, as in tests, may not have them yet).
    const bool well_known = stream == kTelemetryStream || stream == kDeadLetterStream;
    if (from.error().code != ErrorCode::not_found || !well_known) return from.error();
    return FirstRecords{0, count, {}};
  }
  const auto first = static_cast<std::size_t>(std::min<std::uint64_t>(count, first_count));
  auto records = store_.read(stream, *from, first);
  if (!records) return records.error();
  if (records->empty() && wait.count() > 0) {
    auto slot = acquire_tail_slot();
    if (!slot) return slot.error();
    if (store_.wait_for_records(stream, *from, wait)) {
      records = store_.read(stream, *from, first);
      if (!records) return records.error();
    }
  }
  return FirstRecords{*from, count, std::move(*records)};
}

ApiResponse StreamHandlers::read(std::string_view stream, const ReadStart& start,
                                 std::optional<std::string_view> limit,
                                 std::optional<std::string_view> wait_ms) const {
  auto first =
      read_first(stream, start, limit, wait_ms, kMaxRecordsPerStreamRead, kMaxRecordsPerStreamRead);
  if (!first) return error_response(first.error());
  std::uint64_t next_offset = first->from;
  std::string body;
  body.reserve(64 + first->records.size() * 160);
  body += "{\"stream\":";
  append_json_string_text(body, stream);
  body += ",\"records\":[";
  for (const StreamRecord& record : first->records) {
    append_record_text(body, record);
    body += ',';
    next_offset = record.offset + 1;
  }
  if (!first->records.empty()) body.pop_back();  // the last record's comma
  body += "],\"next_offset\":" + std::to_string(next_offset) + "}";
  return ApiResponse{200, std::move(body)};
}

Result<NdjsonRecords> StreamHandlers::read_ndjson(std::string_view stream, const ReadStart& start,
                                                  std::optional<std::string_view> limit,
                                                  std::optional<std::string_view> wait_ms) const {
  auto first =
      read_first(stream, start, limit, wait_ms, kMaxRecordsPerNdjsonRead, kRecordsPerNdjsonPart);
  if (!first) return first.error();
  return NdjsonRecords(store_, std::string(stream), first->from, first->limit,
                       std::move(first->records));
}

ApiResponse StreamHandlers::commit(std::string_view stream, std::string_view group,
                                   std::string_view body) {
  auto request = parse_json_object_body(body);
  if (!request) return error_response(request.error());
  const auto offset = request->find("offset");
  if (offset == request->end() || !offset->is_number_unsigned()) {
    return error_response(invalid_request("field 'offset' (unsigned integer) is required"));
  }
  auto committed =
      store_.commit_offset(group, stream, offset->get<std::uint64_t>(), clock_.now_ms());
  if (!committed) return error_response(committed.error());
  return json_response(200, group_json(*committed, std::nullopt));
}

ApiResponse StreamHandlers::groups(std::string_view stream) const {
  auto groups = store_.consumer_groups(stream);
  if (!groups) return error_response(groups.error());
  auto info = store_.stream_info(stream);
  if (!info) return error_response(info.error());
  Json list = Json::array();
  for (const auto& commit : *groups) list.push_back(group_json(commit, info->next_offset));
  return json_response(200, Json{{"stream", std::string(stream)}, {"groups", std::move(list)}});
}

}  // namespace edgehub::hub

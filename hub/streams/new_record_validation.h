// The checks every StreamStore implementation applies to its input, so that
// the in-memory store refuses exactly what the SQLite one refuses.
#pragma once

#include <cstddef>
#include <string_view>

#include "edgehub/common/result.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

// Stream names follow the device id alphabet (1-64 of [A-Za-z0-9._-], not
// starting with '.' or '-'): they appear in REST paths and file names.
bool is_valid_stream_name(std::string_view name) noexcept;

// The largest payload a store accepts (SQLite's default limit for one value).
// hubd's own limit (--max-payload-bytes) is far below it.
inline constexpr std::size_t kMaxStoredPayloadBytes = 1'000'000'000;

// invalid_argument if the stream name is not valid; too_large if the payload
// is over kMaxStoredPayloadBytes.
Status validate_new_record(const NewRecord& record);

// invalid_argument naming the stream if the name is not valid.
Status validate_stream_name(std::string_view stream);
// Consumer group names: the same alphabet as stream names.
Status validate_group_name(std::string_view group);
// Cursor (export) names: the same alphabet as stream names.
Status validate_cursor_name(std::string_view name);
// Every limit given is > 0 (and max_age_ms fits the clock arithmetic).
Status validate_retention_policy(const RetentionPolicy& policy);

// A stream holding `records` records of `bytes` payload bytes is over its
// count or size limit.
bool exceeds_limits(const RetentionPolicy& policy, std::uint64_t records, std::uint64_t bytes);

}  // namespace edgehub::hub

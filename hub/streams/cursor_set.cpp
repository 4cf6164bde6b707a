#include "streams/cursor_set.h"

#include <algorithm>

#include "streams/new_record_validation.h"
#include "streams/stream_errors.h"

namespace edgehub::hub {

const StreamCursor* CursorSet::find(std::string_view name) const {
  const auto found = cursors_.find(name);
  return found == cursors_.end() ? nullptr : &found->second;
}

void CursorSet::erase(std::string_view name) {
  if (const auto found = cursors_.find(name); found != cursors_.end()) cursors_.erase(found);
}

std::vector<StreamCursor> CursorSet::all() const {
  std::vector<StreamCursor> all;
  all.reserve(cursors_.size());
  for (const auto& [name, cursor] : cursors_) all.push_back(cursor);
  return all;
}

std::optional<std::uint64_t> CursorSet::floor(std::string_view stream) const {
  std::optional<std::uint64_t> lowest;
  for (const auto& [name, cursor] : cursors_) {
    if (!cursor.holds_retention || cursor.stream != stream) continue;
    lowest = std::min(lowest.value_or(cursor.position), cursor.position);
  }
  return lowest;
}

Result<StreamCursor> CursorSet::prepare_create(const StreamCursor& cursor,
                                               std::uint64_t first_offset,
                                               std::uint64_t next_offset,
                                               std::int64_t now_ms) const {
  if (Status name = validate_cursor_name(cursor.name); !name) return name.error();
  if (find(cursor.name) != nullptr) return cursor_exists(cursor.name);
  if (cursor.position > next_offset) return offset_beyond_end(cursor.position, next_offset);
  StreamCursor created = cursor;
  created.position = std::max(cursor.position, first_offset);
  created.updated_at_ms = now_ms;
  return created;
}

Result<StreamCursor> CursorSet::prepare_advance(std::string_view name, std::uint64_t position,
                                                std::uint64_t skipped_more,
                                                std::uint64_t next_offset,
                                                std::int64_t now_ms) const {
  const StreamCursor* current = find(name);
  if (current == nullptr) return cursor_not_found(name);
  if (position > next_offset) return offset_beyond_end(position, next_offset);
  if (position < current->position) {
    return make_error(ErrorCode::invalid_argument,
                      "export '" + std::string(name) + "' is at offset " +
                          std::to_string(current->position) + ": it never moves back to " +
                          std::to_string(position));
  }
  StreamCursor advanced = *current;
  advanced.position = position;
  advanced.skipped += skipped_more;
  advanced.updated_at_ms = now_ms;
  return advanced;
}

}  // namespace edgehub::hub

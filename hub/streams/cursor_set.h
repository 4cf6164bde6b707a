// The cursors of a store in memory, and the decisions about them that both
// StreamStore implementations share: which positions are allowed, and how
// low a stream's retention may delete (its floor). The SQLite store keeps
// its committed copy here (it is the file's only writer); the in-memory
// store keeps nothing else.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edgehub/common/result.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

class CursorSet {
 public:
  const StreamCursor* find(std::string_view name) const;
  void put(const StreamCursor& cursor) { cursors_[cursor.name] = cursor; }
  void erase(std::string_view name);
  std::vector<StreamCursor> all() const;

  // The lowest position of the cursors on stream that hold its retention.
  std::optional<std::uint64_t> floor(std::string_view stream) const;

  // The cursor create_cursor stores: name and position checked against the
  // stream's offsets [first_offset, next_offset), position raised to
  // first_offset. conflict if the name exists.
  Result<StreamCursor> prepare_create(const StreamCursor& cursor, std::uint64_t first_offset,
                                      std::uint64_t next_offset, std::int64_t now_ms) const;
  // The cursor advance_cursor stores; not_found, or invalid_argument for a
  // position behind the current one or beyond next_offset.
  Result<StreamCursor> prepare_advance(std::string_view name, std::uint64_t position,
                                       std::uint64_t skipped_more, std::uint64_t next_offset,
                                       std::int64_t now_ms) const;

 private:
  std::map<std::string, StreamCursor, std::less<>> cursors_;
};

}  // namespace edgehub::hub

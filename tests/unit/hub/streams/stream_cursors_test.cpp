// Cursors (exports' positions) and the retention floor they set, against
// both StreamStore implementations: a holding cursor keeps every record it
// has not passed, from age retention and from delete-oldest appends alike,
// and a full stream then refuses (counted) instead of deleting.
#include <doctest/doctest.h>

#include <vector>

#include "stream_fixtures.h"

using namespace edgehub;
using namespace edgehub::hub;

#define STREAM_FIXTURES edgehub::test::SqliteStoreFixture, edgehub::test::MemoryStoreFixture

namespace {

NewRecord record_at(std::int64_t received_at_ms, std::uint64_t seq) {
  NewRecord record = test::telemetry("d1", seq, "1234567890");
  record.stream = "s";
  record.received_at_ms = received_at_ms;
  return record;
}

std::vector<std::uint64_t> retained_offsets(StreamStore& store) {
  std::vector<std::uint64_t> offsets;
  const auto records = store.read("s", 0, 100000);
  REQUIRE(records.ok());
  for (const StreamRecord& record : *records) offsets.push_back(record.offset);
  return offsets;
}

StreamCursor cursor(std::string name, std::uint64_t position, bool holds) {
  return StreamCursor{std::move(name), "s", position, holds, 0, R"({"x":1})", 5};
}

}  // namespace

TEST_CASE_TEMPLATE("a cursor is created, moved only forward, listed and removed", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  REQUIRE(f.store->create_stream("s", RetentionPolicy{}, 0).ok());
  for (std::uint64_t seq = 1; seq <= 4; ++seq) REQUIRE(f.store->append(record_at(1, seq)).ok());

  const auto created = f.store->create_cursor(cursor("up", 1, true));
  REQUIRE(created.ok());
  CHECK(created->position == 1);
  CHECK(created->definition == R"({"x":1})");
  CHECK(f.store->create_cursor(cursor("up", 0, true)).error().code == ErrorCode::conflict);
  CHECK(f.store->create_cursor(cursor("bad/name", 0, true)).error().code ==
        ErrorCode::invalid_argument);
  CHECK(f.store->create_cursor(cursor("late", 5, true)).error().code ==
        ErrorCode::invalid_argument);
  StreamCursor elsewhere = cursor("other", 0, true);
  elsewhere.stream = "nope";
  CHECK(f.store->create_cursor(elsewhere).error().code == ErrorCode::not_found);

  const auto advanced = f.store->advance_cursor("up", 3, 2, 9);
  REQUIRE(advanced.ok());
  CHECK(advanced->position == 3);
  CHECK(advanced->skipped == 2);
  CHECK(advanced->updated_at_ms == 9);
  CHECK(f.store->advance_cursor("up", 2, 0, 9).error().code == ErrorCode::invalid_argument);
  CHECK(f.store->advance_cursor("up", 5, 0, 9).error().code == ErrorCode::invalid_argument);
  CHECK(f.store->advance_cursor("none", 1, 0, 9).error().code == ErrorCode::not_found);

  const auto updated = f.store->update_cursor("up", R"({"x":2})", false, 10);
  REQUIRE(updated.ok());
  CHECK(updated->position == 3);
  CHECK_FALSE(updated->holds_retention);

  const auto all = f.store->cursors();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK(all->front().definition == R"({"x":2})");
  REQUIRE(f.store->remove_cursor("up").ok());
  CHECK(f.store->remove_cursor("up").error().code == ErrorCode::not_found);
  CHECK(f.store->cursors()->empty());
}

TEST_CASE_TEMPLATE("a holding cursor keeps its unsent records from age retention", Fixture,
                   STREAM_FIXTURES) {
  Fixture f;
  RetentionPolicy policy;
  policy.max_age_ms = 100;
  REQUIRE(f.store->create_stream("s", policy, 0).ok());
  for (std::uint64_t seq = 1; seq <= 5; ++seq) REQUIRE(f.store->append(record_at(1, seq)).ok());
  REQUIRE(f.store->create_cursor(cursor("keep", 2, true)).ok());
  REQUIRE(f.store->create_cursor(cursor("loose", 4, false)).ok());

  REQUIRE(f.store->enforce_retention(1000, 100).ok());
  CHECK(retained_offsets(*f.store) == std::vector<std::uint64_t>{2, 3, 4});
  CHECK(f.store->stream_info("s")->retention_floor == std::optional<std::uint64_t>(2));

  // Sent further: retention follows the position.
  REQUIRE(f.store->advance_cursor("keep", 4, 0, 1000).ok());
  REQUIRE(f.store->enforce_retention(1000, 100).ok());
  CHECK(retained_offsets(*f.store) == std::vector<std::uint64_t>{4});

  // The hold ends with the cursor.
  REQUIRE(f.store->remove_cursor("keep").ok());
  CHECK_FALSE(f.store->stream_info("s")->retention_floor.has_value());
  REQUIRE(f.store->enforce_retention(1000, 100).ok());
  CHECK(retained_offsets(*f.store).empty());
}

TEST_CASE_TEMPLATE("a full delete-oldest stream held by a cursor refuses and counts instead",
                   Fixture, STREAM_FIXTURES) {
  Fixture f;
  RetentionPolicy policy;
  policy.max_records = 3;
  REQUIRE(f.store->create_stream("s", policy, 0).ok());
  REQUIRE(f.store->append(record_at(1, 1)).ok());
  REQUIRE(f.store->create_cursor(cursor("keep", 1, true)).ok());
  REQUIRE(f.store->append(record_at(1, 2)).ok());
  REQUIRE(f.store->append(record_at(1, 3)).ok());
  // Full: offset 0 (sent) makes room, offsets 1.. (unsent) do not.
  REQUIRE(f.store->append(record_at(1, 4)).ok());
  CHECK(retained_offsets(*f.store) == std::vector<std::uint64_t>{1, 2, 3});
  const auto refused = f.store->append(record_at(1, 5));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::unavailable);
  const std::vector<NewRecord> batch{record_at(1, 6), record_at(1, 7)};
  CHECK_FALSE(f.store->append_batch(batch).ok());
  auto info = f.store->stream_info("s");
  CHECK(info->rejected == 3);
  CHECK(info->next_offset == 4);
  CHECK(retained_offsets(*f.store) == std::vector<std::uint64_t>{1, 2, 3});

  // The export sends two: room for two more, the oldest deleted as usual.
  REQUIRE(f.store->advance_cursor("keep", 3, 0, 1).ok());
  REQUIRE(f.store->append_batch(batch).ok());
  CHECK(retained_offsets(*f.store) == std::vector<std::uint64_t>{3, 4, 5});

  // A cursor that does not hold (on_retention delete_oldest) lets it go.
  REQUIRE(f.store->update_cursor("keep", "{}", false, 2).ok());
  REQUIRE(f.store->append(record_at(1, 8)).ok());
  CHECK(retained_offsets(*f.store) == std::vector<std::uint64_t>{4, 5, 6});
}

TEST_CASE("cursors and their holds survive reopening the SQLite store") {
  test::SqliteStoreFixture f;
  RetentionPolicy policy;
  policy.max_age_ms = 100;
  REQUIRE(f.store->create_stream("s", policy, 0).ok());
  for (std::uint64_t seq = 1; seq <= 3; ++seq) REQUIRE(f.store->append(record_at(1, seq)).ok());
  REQUIRE(f.store->create_cursor(cursor("keep", 0, true)).ok());
  REQUIRE(f.store->advance_cursor("keep", 1, 4, 7).ok());
  f.store.reset();
  f.store = SqliteStreamStore::open(f.file);
  const auto all = f.store->cursors();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK(all->front().name == "keep");
  CHECK(all->front().position == 1);
  CHECK(all->front().skipped == 4);
  CHECK(all->front().holds_retention);
  CHECK(all->front().updated_at_ms == 7);
  REQUIRE(f.store->enforce_retention(1000, 100).ok());
  CHECK(retained_offsets(*f.store) == std::vector<std::uint64_t>{1, 2});
}

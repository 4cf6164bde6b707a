#include "hubd/journaled_dead_letters.h"

#include <doctest/doctest.h>

#include "ingest/telemetry_ingestor.h"
#include "journal/group_commit.h"
#include "journal/memory_journal.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

TEST_CASE(
    "a dead letter appended by commands or twins is journaled and stored by the group commit") {
  MemoryStreamStore streams;
  TelemetryIngestor ingestor(streams, IngestLimits{});
  MemoryJournal journal;
  GroupCommit group(
      journal,
      [&](std::span<const JournalEntry> entries) {
        return ingestor.ingest_batch(entries, SourcePosition{"journal", entries.back().sequence});
      },
      GroupCommitSettings{}, [](const Error&) {});
  JournaledDeadLetters dead_letters(group, streams);

  auto appended = dead_letters.append(
      make_dead_letter("devices/pump-3/responses", "pump-3", R"({"id":"nope","status":200})",
                       "response to an unknown command 'nope'", 1234));
  REQUIRE(appended.ok());
  // Journaled (durable), not yet in the streams: nothing on this thread
  // waited for a transaction.
  CHECK(journal.unreleased().size() == 1);
  const auto before = streams.read(kDeadLetterStream, 0, 10);
  CHECK((!before.ok() || before->empty()));

  group.start();
  REQUIRE(group.wait_until_committed(5s));
  const auto stored = streams.read(kDeadLetterStream, 0, 10);
  REQUIRE(stored.ok());
  REQUIRE(stored->size() == 1);
  const StreamRecord& record = stored->front();
  CHECK(record.device_id == "pump-3");
  CHECK(record.topic == "devices/pump-3/responses");
  CHECK(record.payload == R"({"id":"nope","status":200})");
  CHECK(record.reason == "response to an unknown command 'nope'");
  CHECK(record.received_at_ms == 1234);
}

TEST_CASE("records for other streams are appended to the streams as they are") {
  MemoryStreamStore streams;
  MemoryJournal journal;
  GroupCommit group(
      journal, [](std::span<const JournalEntry>) { return ok_status(); }, GroupCommitSettings{},
      [](const Error&) {});
  JournaledDeadLetters dead_letters(group, streams);
  NewRecord record;
  record.stream = "other";
  record.payload = "{}";
  REQUIRE(dead_letters.append(record).ok());
  CHECK(journal.unreleased().empty());
  CHECK(streams.read("other", 0, 10)->size() == 1);
}

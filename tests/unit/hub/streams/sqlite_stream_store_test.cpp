// What only the SQLite store does: durability across reopening and refusing
// files it cannot use.
#include "streams/sqlite_stream_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include "stream_fixtures.h"

using namespace edgehub;
using namespace edgehub::hub;
using edgehub::test::telemetry;
using edgehub::test::TempDirectory;

namespace {

std::string open_failure(const std::filesystem::path& file) {
  try {
    SqliteStreamStore::open(file);
  } catch (const std::runtime_error& failure) {
    return failure.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a reopened store keeps its records and continues offsets without a gap") {
  TempDirectory directory;
  const auto file = directory.path() / "streams.db";
  {
    auto store = SqliteStreamStore::open(file);
    REQUIRE(
        store->append_batch(std::vector<NewRecord>{telemetry("d1", 1), telemetry("d1", 2)}).ok());
  }
  auto store = SqliteStreamStore::open(file);
  const auto read = store->read(kTelemetryStream, 0, 10);
  REQUIRE(read.ok());
  REQUIRE(read->size() == 2);
  CHECK(read->at(1).seq == 2u);

  const Result<AppendResult> redelivered = store->append(telemetry("d1", 2));
  REQUIRE(redelivered.ok());
  CHECK(redelivered->duplicate);
  CHECK(redelivered->offset == 1);
  const Result<AppendResult> next = store->append(telemetry("d1", 3));
  REQUIRE(next.ok());
  CHECK(next->offset == 2);
  CHECK_FALSE(next->duplicate);
}

TEST_CASE("a committed append is visible to another connection at once") {
  test::SqliteStoreFixture f;
  REQUIRE(f.store->append(telemetry("d1", 1)).ok());
  SQLite::Database other(f.file.string(), SQLite::OPEN_READONLY);
  CHECK(other.execAndGet("SELECT count(*) FROM records").getInt() == 1);
  CHECK(other.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

TEST_CASE("opening a store in a missing directory fails naming the file") {
  TempDirectory directory;
  const auto file = directory.path() / "missing" / "streams.db";
  CHECK(open_failure(file).find(file.string()) != std::string::npos);
}

TEST_CASE("opening a file that is not a database fails naming the file") {
  TempDirectory directory;
  const auto file = directory.path() / "streams.db";
  std::ofstream(file) << std::string(4096, 'x');
  CHECK(open_failure(file).find(file.string()) != std::string::npos);
}

TEST_CASE("opening a database with another records table fails naming the file") {
  TempDirectory directory;
  const auto file = directory.path() / "streams.db";
  {
    SQLite::Database foreign(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    foreign.exec("CREATE TABLE records (id INTEGER PRIMARY KEY, body TEXT)");
  }
  const std::string message = open_failure(file);
  CHECK(message.find(file.string()) != std::string::npos);
}

TEST_CASE("opening a store written by a newer schema version fails") {
  TempDirectory directory;
  const auto file = directory.path() / "streams.db";
  {
    SQLite::Database newer(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    newer.exec("PRAGMA user_version = 7");
  }
  CHECK(open_failure(file).find("schema version 7") != std::string::npos);
}

TEST_CASE(
    "a stream store of schema 2 without source positions opens, gets them, keeps its records") {
  TempDirectory directory;
  const auto file = directory.path() / "streams.db";
  {
    auto store = SqliteStreamStore::open(file);
    REQUIRE(store->append(telemetry("d1", 1)).ok());
  }
  {
    // As version 2 code before the ingest journal left it.
    SQLite::Database old(file.string(), SQLite::OPEN_READWRITE);
    old.exec("DROP TABLE source_positions; DROP TABLE stream_cursors; PRAGMA user_version = 2");
  }
  auto store = SqliteStreamStore::open(file);
  CHECK(store->stream_info(kTelemetryStream)->next_offset == 1);
  const SourcePosition position{"journal", 42};
  const std::vector<NewRecord> batch{telemetry("d1", 2)};
  REQUIRE(store->append_group(batch, &position).ok());
  CHECK(store->source_position("journal")->value_or(0) == 42);
  SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
  CHECK(reader.execAndGet("PRAGMA user_version").getInt() == 4);
}

TEST_CASE("the WAL of a store written without pause starts over") {
  TempDirectory directory;
  const auto file = directory.path() / "streams.db";
  auto store = SqliteStreamStore::open(file);
  // Transactions of 20 telemetry records, one after the other, as the
  // ingest thread writes them under load: about 5 pages each, 15,000 pages
  // in all. A WAL that never started over would hold them all (60 MB);
  // SQLite's own checkpoints (or the checkpointer's thread, or the writer at
  // 4096 pages) bring it back to its start.
  const std::string payload = R"({"seq":1,"data":{"temperature":21.5,"sent_us":1700000000000000}})";
  std::uint64_t seq = 0;
  for (int batch = 0; batch < 3000; ++batch) {
    std::vector<NewRecord> records;
    for (int i = 0; i < 20; ++i)
      records.push_back(telemetry("d" + std::to_string(i), ++seq, payload));
    REQUIRE(store->append_batch(records).ok());
  }
  CHECK(std::filesystem::file_size(file.string() + "-wal") < 40u * 1024u * 1024u);
  CHECK(store->stream_info(kTelemetryStream)->next_offset == 60000);
}

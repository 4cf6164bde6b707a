#include "sqlite/wal_checkpointer.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "edgehub/test/temp_directory.h"

using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

// A WAL database with one table, written a page (and a bit) per transaction.
struct WalDatabase {
  edgehub::test::TempDirectory directory;
  std::filesystem::path file = directory.path() / "test.db";
  SQLite::Database writer{file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};

  WalDatabase() {
    writer.exec("PRAGMA journal_mode = WAL");
    writer.exec("PRAGMA synchronous = NORMAL");
    writer.exec("CREATE TABLE rows (payload BLOB)");
  }

  void write_transactions(int count) {
    const std::string payload(5000, 'x');
    for (int i = 0; i < count; ++i) {
      SQLite::Statement insert(writer, "INSERT INTO rows (payload) VALUES (?1)");
      insert.bind(1, payload.data(), static_cast<int>(payload.size()));
      insert.exec();
    }
  }

  // The frames in the WAL (checkpointing them from a connection of its own).
  int wal_frames() {
    SQLite::Database other(file.string(), SQLite::OPEN_READWRITE);
    SQLite::Statement checkpoint(other, "PRAGMA wal_checkpoint(PASSIVE)");
    REQUIRE(checkpoint.executeStep());
    return checkpoint.getColumn(1).getInt();
  }
};

constexpr auto kNever = std::chrono::hours(1);

WalCheckpointSettings settings(int start_pages, int writer_pages,
                               std::chrono::milliseconds interval) {
  return WalCheckpointSettings{
      .start_pages = start_pages, .writer_pages = writer_pages, .interval = interval};
}

template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

}  // namespace

TEST_CASE("a WAL past the start size is checkpointed by the checkpointer's own thread") {
  WalDatabase database;
  WalCheckpointer checkpointer(database.file, database.writer.getHandle(),
                               settings(20, 100000, kNever));
  database.write_transactions(10);  // about 20 pages: maybe one
  const auto before = checkpointer.checkpoints();
  database.write_transactions(30);
  CHECK(eventually([&] { return checkpointer.checkpoints() > before; }));
  CHECK(checkpointer.writer_checkpoints() == 0);
  CHECK(checkpointer.last_error().empty());
}

TEST_CASE("the writer's automatic checkpoint is off while the checkpointer runs") {
  WalDatabase database;
  WalCheckpointer checkpointer(database.file, database.writer.getHandle(),
                               settings(100000, 100000, kNever));
  database.write_transactions(700);  // about 1400 pages, past SQLite's own 1000
  // Had SQLite checkpointed at 1000 pages, the WAL would have started over
  // and hold fewer frames now.
  CHECK(database.wal_frames() > 1000);
  CHECK(checkpointer.checkpoints() == 0);
  CHECK(checkpointer.writer_checkpoints() == 0);
}

TEST_CASE("something written is checkpointed after the interval even below the start size") {
  WalDatabase database;
  WalCheckpointer checkpointer(database.file, database.writer.getHandle(),
                               settings(100000, 100000, 20ms));
  database.write_transactions(1);
  CHECK(eventually([&] { return checkpointer.checkpoints() >= 1; }));
  // Nothing written since: no more checkpoints.
  const auto settled = checkpointer.checkpoints();
  std::this_thread::sleep_for(100ms);
  CHECK(checkpointer.checkpoints() == settled);
}

TEST_CASE("a writer far ahead of the checkpointer checkpoints itself") {
  WalDatabase database;
  WalCheckpointer checkpointer(database.file, database.writer.getHandle(),
                               settings(100000, 30, kNever));
  database.write_transactions(40);
  CHECK(checkpointer.writer_checkpoints() >= 1);
}

TEST_CASE("without a second connection the writer checkpoints as SQLite would") {
  WalDatabase database;
  const std::filesystem::path missing = database.directory.path() / "no-such-dir" / "test.db";
  WalCheckpointer checkpointer(missing, database.writer.getHandle(), settings(20, 100000, kNever));
  CHECK(eventually([&] { return !checkpointer.last_error().empty(); }));
  CHECK(checkpointer.last_error().find("cannot open") != std::string::npos);
  database.write_transactions(30);
  CHECK(checkpointer.writer_checkpoints() >= 1);
  CHECK(checkpointer.checkpoints() == 0);
}

TEST_CASE("a checkpoint by the checkpointer's thread lets the WAL start over") {
  WalDatabase database;
  WalCheckpointer checkpointer(database.file, database.writer.getHandle(),
                               settings(100000, 100000, 20ms));
  database.write_transactions(40);  // about 80 pages
  CHECK(eventually([&] { return checkpointer.checkpoints() >= 1; }));
  std::this_thread::sleep_for(100ms);  // a last pass after the last write
  const auto wal = std::filesystem::path(database.file.string() + "-wal");
  const auto size = std::filesystem::file_size(wal);
  // Every frame was copied back, so this transaction is written from the
  // WAL's start: the file does not grow. (Had the checkpoint done nothing,
  // it would be appended.)
  database.write_transactions(1);
  CHECK(std::filesystem::file_size(wal) == size);
  CHECK(checkpointer.writer_checkpoints() == 0);
  CHECK(checkpointer.last_error().empty());
}

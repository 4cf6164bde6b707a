#include "sqlite/wal_checkpointer.h"

#include <algorithm>

namespace edgehub::hub {

WalCheckpointer::WalCheckpointer(const std::filesystem::path& file, sqlite3* writer,
                                 WalCheckpointSettings settings)
    : file_(file), writer_(writer), settings_(settings) {
  sqlite3_wal_hook(writer_, &WalCheckpointer::on_commit, this);
  thread_ = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer() {
  // Back to SQLite's automatic checkpoints for whatever the writer does last.
  sqlite3_wal_autocheckpoint(writer_, settings_.start_pages);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::string WalCheckpointer::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

// On the writer's thread, after each commit, with the WAL's size in pages.
int WalCheckpointer::on_commit(void* self, sqlite3* writer, const char* schema, int wal_pages) {
  auto& checkpointer = *static_cast<WalCheckpointer*>(self);
  const int inline_from = checkpointer.alone_.load(std::memory_order_relaxed)
                              ? checkpointer.settings_.start_pages
                              : checkpointer.settings_.writer_pages;
  if (wal_pages >= inline_from) {
    checkpointer.checkpoint_as_writer(writer, schema);
    return SQLITE_OK;
  }
  // Frames the checkpoints have not copied yet: under continuous writing the
  // WAL never starts over, and waking the thread at every commit past
  // start_pages would copy the busiest pages again at every commit.
  if (wal_pages < checkpointer.last_wal_pages_) checkpointer.checkpointed_ = 0;  // started over
  checkpointer.last_wal_pages_ = wal_pages;
  const int not_copied = wal_pages - std::min(checkpointer.checkpointed_.load(), wal_pages);
  bool wake = false;
  {
    std::lock_guard lock(checkpointer.mutex_);
    checkpointer.written_ = true;
    if (not_copied >= checkpointer.settings_.start_pages && !checkpointer.requested_) {
      checkpointer.requested_ = wake = true;
    }
  }
  if (wake) checkpointer.wake_.notify_one();
  return SQLITE_OK;
}

void WalCheckpointer::checkpoint_as_writer(sqlite3* writer, const char* schema) {
  {
    std::unique_lock lock(mutex_);
    writers_turn_ = true;
    // Bounded: a checkpoint copies at most the WAL once; should it hang (a
    // stalled disk), the writer goes on and tries again at its next commit.
    copied_.wait_for(lock, std::chrono::seconds(5), [this] { return !copying_; });
  }
  const int done =
      sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  ++writer_checkpoints_;
  std::lock_guard lock(mutex_);
  // Done (the WAL starts over at the next write): the thread's turn again.
  if (done == SQLITE_OK) writers_turn_ = false;
}

void WalCheckpointer::run() {
  sqlite3* connection = nullptr;
  const int opened = sqlite3_open_v2(file_.c_str(), &connection,
                                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (opened != SQLITE_OK) {
    std::lock_guard lock(mutex_);
    last_error_ = "cannot open " + file_.string() + " for checkpoints: " +
                  (connection ? sqlite3_errmsg(connection) : sqlite3_errstr(opened));
    sqlite3_close(connection);
    alone_ = true;  // the writer checkpoints itself, as SQLite would
    return;
  }
  // A connection that has not read the file yet does not know it is in WAL
  // mode: sqlite3_wal_checkpoint_v2 would do nothing and return SQLITE_OK
  // (with -1 frames). Reading the schema once opens its WAL.
  sqlite3_exec(connection, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, settings_.interval, [this] { return requested_ || stopping_; });
    if (stopping_) break;
    if (!requested_ && !written_) continue;
    requested_ = written_ = false;
    if (writers_turn_) continue;
    copying_ = true;
    lock.unlock();
    int wal_frames = -1;
    int checkpointed = -1;
    const int done = sqlite3_wal_checkpoint_v2(connection, nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                               &wal_frames, &checkpointed);
    lock.lock();
    copying_ = false;
    copied_.notify_all();
    if (done == SQLITE_OK && wal_frames >= 0) {
      checkpointed_ = checkpointed;
      ++checkpoints_;
    } else if (done == SQLITE_OK) {
      last_error_ = "checkpoint did nothing: the connection has not opened the WAL";
    } else if (done != SQLITE_BUSY) {
      last_error_ = std::string("checkpoint failed: ") + sqlite3_errmsg(connection);
    }
  }
  lock.unlock();
  sqlite3_close(connection);
}

}  // namespace edgehub::hub

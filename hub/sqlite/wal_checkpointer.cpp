#include "sqlite/wal_checkpointer.h"

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
    sqlite3_wal_checkpoint_v2(writer, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    ++checkpointer.writer_checkpoints_;
    return SQLITE_OK;
  }
  bool wake = false;
  {
    std::lock_guard lock(checkpointer.mutex_);
    checkpointer.written_ = true;
    if (wal_pages >= checkpointer.settings_.start_pages && !checkpointer.requested_) {
      checkpointer.requested_ = wake = true;
    }
  }
  if (wake) checkpointer.wake_.notify_one();
  return SQLITE_OK;
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
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, settings_.interval, [this] { return requested_ || stopping_; });
    if (stopping_) break;
    if (!requested_ && !written_) continue;
    requested_ = written_ = false;
    lock.unlock();
    const int done =
        sqlite3_wal_checkpoint_v2(connection, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
    if (done == SQLITE_OK) {
      ++checkpoints_;
    } else if (done != SQLITE_BUSY) {
      last_error_ = std::string("checkpoint failed: ") + sqlite3_errmsg(connection);
    }
  }
  lock.unlock();
  sqlite3_close(connection);
}

}  // namespace edgehub::hub

// WAL checkpoints of a SQLite file on a thread of their own.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

namespace edgehub::hub {

struct WalCheckpointSettings {
  // A checkpoint is started once the WAL holds this many pages that no
  // checkpoint has copied back yet (SQLite's own automatic checkpoint starts
  // at 1000 pages in the WAL).
  int start_pages = 1000;
  // Should the checkpointing thread fall this far behind, the writer
  // checkpoints itself, as SQLite would, so that the WAL stays bounded.
  int writer_pages = 16000;
  // And at least this often while anything was written since the last one.
  std::chrono::milliseconds interval{1000};
};

// SQLite runs its automatic WAL checkpoint inside the COMMIT that crossed
// 1000 pages, on the writer's thread, fsync included: the request that
// happened to commit then waits for it. In commands.db that was the p99 of
// the command round trip (3-4 ms against a p50 of 0.4 ms; 0.6-0.7 ms with
// no checkpoint at all, tests/perf/command_rtt.sh). This replaces the
// automatic checkpoint of one connection (sqlite3_wal_hook) with PASSIVE
// checkpoints run from a second connection to the same file on a thread of
// its own: a PASSIVE checkpoint takes no lock the writer waits for, and the
// writer starts the WAL over once a checkpoint has caught up with it.
//
// A writer that never pauses (streams.db under continuous ingest) gets its
// WAL started over by the settings: a low start_pages keeps what the
// checkpoints have not copied yet short, and at writer_pages the writer's own
// PASSIVE checkpoint, inside the COMMIT that crossed it, has only that short
// rest to copy, after which the WAL starts over.
//
// Two checkpoints cannot run at once (the second gets SQLITE_BUSY at once,
// without a busy handler). On a loaded machine the thread, woken again and
// again while the WAL grew, held the checkpoint lock at nearly every commit
// of the writer, and the WAL passed 60 MB without starting over. So from
// writer_pages on it is the writer's turn: the thread starts no new
// checkpoint, and the writer waits for the one in progress (if any) to end
// before running its own.
//
// Until 2026-12-05 the checkpointing connection never opened the WAL (see
// run()), so its checkpoints did nothing and the writer copied the whole WAL
// at writer_pages: the commands.db figures above were measured so (fewer,
// larger checkpoints), and so was the earlier trial on streams.db, whose p99
// got worse (docs/performance.md).
class WalCheckpointer {
 public:
  // `writer` must outlive this object; the hook is removed by the destructor.
  WalCheckpointer(const std::filesystem::path& file, sqlite3* writer,
                  WalCheckpointSettings settings = {});
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  std::uint64_t checkpoints() const { return checkpoints_.load(); }
  std::uint64_t writer_checkpoints() const { return writer_checkpoints_.load(); }
  // The last error of the checkpointing connection, empty if none.
  std::string last_error() const;

 private:
  static int on_commit(void* self, sqlite3* writer, const char* schema, int wal_pages);
  // On the writer's thread: its own checkpoint, once the thread's is over.
  void checkpoint_as_writer(sqlite3* writer, const char* schema);
  void run();

  const std::filesystem::path file_;
  sqlite3* const writer_;
  const WalCheckpointSettings settings_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable copied_;  // the thread's checkpoint ended
  bool copying_ = false;            // the thread is running a checkpoint
  bool writers_turn_ = false;       // the WAL passed writer_pages: the thread waits
  bool requested_ = false;
  bool written_ = false;
  bool stopping_ = false;
  std::string last_error_;
  std::atomic<bool> alone_{false};  // no second connection: the writer checkpoints
  // Of the current WAL: frames copied back by the last checkpoint, and the
  // WAL's length at the last commit (the writer's thread only).
  std::atomic<int> checkpointed_{0};
  int last_wal_pages_ = 0;
  std::atomic<std::uint64_t> checkpoints_{0};
  std::atomic<std::uint64_t> writer_checkpoints_{0};
  std::thread thread_;
};

}  // namespace edgehub::hub

// The REST server's worker threads: long requests capped, short ones never
// held up behind them, a held-back long request run as soon as one ends.
#include "api/request_workers.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

// A gate long jobs wait at until the test opens it.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  void wait() {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return open; });
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    changed.notify_all();
  }
};

template <typename Predicate>
bool eventually(Predicate predicate) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

TEST_CASE("long requests hold at most their share; short ones run meanwhile; held ones run later") {
  RequestWorkers workers(4, 2);
  Gate first_two;
  std::atomic<int> long_started{0};
  std::atomic<int> long_done{0};
  std::atomic<int> short_done{0};
  for (int i = 0; i < 2; ++i) {
    workers.submit(true, [&] {
      ++long_started;
      first_two.wait();
      ++long_done;
    });
  }
  REQUIRE(eventually([&] { return long_started == 2; }));
  // A third long request is held back (two threads are the cap) ...
  workers.submit(true, [&] {
    ++long_started;
    ++long_done;
  });
  // ... while short ones still run at once.
  for (int i = 0; i < 10; ++i) workers.submit(false, [&] { ++short_done; });
  REQUIRE(eventually([&] { return short_done == 10; }));
  std::this_thread::sleep_for(20ms);
  CHECK(long_started == 2);
  first_two.release();
  CHECK(eventually([&] { return long_done == 3; }));
}

TEST_CASE("stop runs what is queued") {
  std::atomic<int> done{0};
  {
    RequestWorkers workers(2, 1);
    for (int i = 0; i < 100; ++i) workers.submit(i % 2 == 0, [&] { ++done; });
  }
  CHECK(done == 100);
}

#include "api/request_workers.h"

#include <algorithm>

namespace edgehub::hub {

RequestWorkers::RequestWorkers(std::size_t threads, std::size_t max_long_running) {
  threads = std::max<std::size_t>(threads, 1);
  max_long_running_ = threads == 1 ? 1 : std::clamp<std::size_t>(max_long_running, 1, threads - 1);
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

RequestWorkers::~RequestWorkers() { stop(); }

void RequestWorkers::submit(bool long_running, std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Job{long_running, std::move(job)});
  }
  ready_.notify_one();
}

void RequestWorkers::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void RequestWorkers::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    // The first queued job this thread may take: short ones always, long
    // ones while their share of the threads is not used up.
    auto next = queue_.end();
    ready_.wait(lock, [&] {
      next = std::find_if(queue_.begin(), queue_.end(), [&](const Job& job) {
        return !job.long_running || long_running_ < max_long_running_;
      });
      return next != queue_.end() || (stopping_ && queue_.empty());
    });
    if (next == queue_.end()) return;
    Job job = std::move(*next);
    queue_.erase(next);
    if (job.long_running) ++long_running_;
    // Another thread may be able to take a job this one passed over.
    if (!queue_.empty()) ready_.notify_one();
    lock.unlock();
    job.run();
    lock.lock();
    if (job.long_running) {
      --long_running_;
      // A long job held back by the cap may run now: one thread takes it.
      // (Waking every idle worker here, at every answered long poll, cost
      // 64 context switches per answer.)
      if (std::any_of(queue_.begin(), queue_.end(),
                      [](const Job& queued) { return queued.long_running; })) {
        ready_.notify_one();
      }
    }
  }
}

}  // namespace edgehub::hub

// The threads admitted requests run on. Requests that wait on purpose (event
// streams, long polls) may hold at most `max_long_running` of the threads,
// so that the others are always left for short requests; a waiting long
// request does not hold up the short ones queued behind it.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace edgehub::hub {

class RequestWorkers {
 public:
  // threads >= 1; max_long_running is clamped to 1..threads-1 (threads when 1).
  RequestWorkers(std::size_t threads, std::size_t max_long_running);
  RequestWorkers(const RequestWorkers&) = delete;
  RequestWorkers& operator=(const RequestWorkers&) = delete;
  ~RequestWorkers();  // stop()

  void submit(bool long_running, std::function<void()> job);
  // Runs what is queued, then joins the threads. Idempotent.
  void stop();

 private:
  struct Job {
    bool long_running;
    std::function<void()> run;
  };
  void work();

  std::size_t max_long_running_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> queue_;
  std::size_t long_running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace edgehub::hub

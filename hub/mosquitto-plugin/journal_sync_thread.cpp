#include "mosquitto-plugin/journal_sync_thread.h"

namespace edgehub::hub::mosquitto_auth {

JournalSyncThread::JournalSyncThread(BrokerJournalWriter& writer, std::chrono::milliseconds period)
    : writer_(writer), period_(period) {
  if (period_.count() > 0) thread_ = std::thread([this] { run(); });
}

JournalSyncThread::~JournalSyncThread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::optional<std::string> JournalSyncThread::take_failure() {
  std::lock_guard lock(mutex_);
  std::optional<std::string> failure;
  failure.swap(failure_);
  return failure;
}

void JournalSyncThread::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    const bool stop = wake_.wait_for(lock, period_, [this] { return stopping_; });
    lock.unlock();
    Status synced = writer_.sync();
    lock.lock();
    if (!synced && !failure_) failure_ = synced.error().message;
    if (stop) return;
  }
}

}  // namespace edgehub::hub::mosquitto_auth

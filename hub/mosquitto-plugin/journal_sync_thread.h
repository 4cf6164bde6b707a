// The broker journal's power-loss policy: fdatasync of what the plugin wrote
// (BrokerJournalWriter::sync) every `period`, on a thread of its own so that
// the broker's thread never waits for the disk. A crash of any process loses
// nothing either way (the entries are in the page cache once written); a
// power cut or kernel crash can lose what was written in the last period.
// A period of 0 starts no thread: only the kernel's own writeback (about
// 30 s) then bounds that loss.
//
// The broker's log may only be written from the broker's thread: a failed
// sync is kept for take_failure(), which the plugin calls on its tick.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "journal/broker_journal_writer.h"

namespace edgehub::hub::mosquitto_auth {

class JournalSyncThread {
 public:
  // writer must outlive this object.
  JournalSyncThread(BrokerJournalWriter& writer, std::chrono::milliseconds period);
  // Stops the thread after one last sync.
  ~JournalSyncThread();
  JournalSyncThread(const JournalSyncThread&) = delete;
  JournalSyncThread& operator=(const JournalSyncThread&) = delete;

  // The first sync failure since the last call, if any.
  std::optional<std::string> take_failure();

 private:
  void run();

  BrokerJournalWriter& writer_;
  std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::optional<std::string> failure_;
  std::thread thread_;
};

}  // namespace edgehub::hub::mosquitto_auth

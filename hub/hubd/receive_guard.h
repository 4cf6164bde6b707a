// The poison guard for messages hubd handles on the MQTT receive thread
// without the ingest journal (command responses, twin reports): the journal's
// guard (journal/group_commit.h) cannot see them.
//
// Before a message is handled, a note with its fingerprint (crc32 and length
// of topic and payload) and the attempt number is written (CommitAttempts:
// first = last = fingerprint; one pwrite, no fsync: it survives the death of
// the process); after it was handled, the note is cleared. If hubd dies while
// handling it, the broker delivers it again to the next hubd (the PUBACK
// goes out only after the handler returned: mqtt/paho_broker_connection.cpp),
// and the note says how many times hubd has died on it: the router then sets
// it aside as a dead letter instead of handling it again.
//
// Not thread-safe: the receive thread is its only user.
#pragma once

#include <cstdint>
#include <string_view>

#include "journal/commit_attempt.h"

namespace edgehub::hub {

class ReceiveGuard {
 public:
  // notes must outlive the guard; max_attempts >= 1.
  ReceiveGuard(CommitAttempts& notes, std::uint32_t max_attempts);

  // Notes that handling starts; returns how many times hubd has started on
  // this message, this time included (1: the first).
  std::uint32_t begin(std::string_view topic, std::string_view payload);
  // Handling ended (handled, dead-lettered or set aside).
  void end();
  // begin() returned more than this: the message must be set aside.
  std::uint32_t max_attempts() const { return max_attempts_; }

 private:
  void note(const CommitAttempt& attempt);

  CommitAttempts& notes_;
  std::uint32_t max_attempts_;
  CommitAttempt current_;
};

}  // namespace edgehub::hub

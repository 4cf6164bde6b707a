// hubd's path for the broker plugin's presence events, off the MQTT receive
// thread (issue 17):
//
//   receive thread: submit() -> one write() to <data-dir>/journal/presence
//                   (FileJournal), queued; returns, and Paho acknowledges
//   inbox thread:   GroupCommit -> apply(): parse, limit hits, one
//                   PresenceTracker::apply_batch (one lifecycle append, one
//                   presence.db transaction with the journal position), then
//                   the follow-ups (the command worker) in event order
//
// Why: the receive thread also carries command responses and twin reports;
// a connect storm (two events per device) used to hold them behind one
// presence.db and one streams.db transaction per event.
//
// Durability: an event is in the journal before submit() returns, so before
// the broker is told it was received; the tracker records how far the
// journal is applied in the same presence.db transaction as the devices'
// rows, and the lifecycle records before that (found again by their seq).
// At construction, the journal's entries after that position are applied
// (a hubd killed before its batch committed): construct it before the
// broker connection starts.
//
// Errors: the constructor throws std::runtime_error (start-up). submit()
// returns a journal write failure (the event is not acknowledged; the router
// retries). A store outage is retried until it ends or stop() (the events
// stay journaled; stats().store_error says what fails). An event that does
// not parse is a plugin bug: logged and skipped. An entry hubd died on twice
// while applying it (GroupCommit's poison guard, <journal dir>/commit-attempt)
// is set aside as a dead letter.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"
#include "journal/group_commit.h"

namespace edgehub::hub {

class DeviceLimitHits;
class FileCommitAttempts;
class FileJournal;
class PresenceTracker;
class StreamStore;

struct PresenceInboxSettings {
  std::filesystem::path journal_dir;  // hubd: <data-dir>/journal/presence
  GroupCommitSettings commit;         // retry_forever is always on
};

// What follows an event once its batch is durable, in event order (hubd:
// the command worker). Either may be empty.
struct PresenceFollowUps {
  // The device's connection subscribed to devices/<id>/commands.
  std::function<void(const std::string& device_id)> subscribed_to_commands;
  // ... to devices/<id>/desired (its twin can be sent).
  std::function<void(const std::string& device_id)> subscribed_to_desired;
};

struct PresenceInboxStats {
  std::size_t backlog = 0;      // events journaled, not yet applied
  std::uint64_t set_aside = 0;  // entries the poison guard set aside
  std::string store_error;      // a store outage being waited out; empty: none
};

class PresenceInbox {
 public:
  // Opens the journal and applies what it holds after the tracker's
  // position. tracker, limit_hits and dead_letters (the streams) must
  // outlive the inbox.
  PresenceInbox(PresenceTracker& tracker, DeviceLimitHits& limit_hits, StreamStore& dead_letters,
                PresenceFollowUps follow_ups, PresenceInboxSettings settings);
  ~PresenceInbox();  // stop()
  PresenceInbox(const PresenceInbox&) = delete;
  PresenceInbox& operator=(const PresenceInbox&) = delete;

  void start();
  // Applies what is queued, then stops. Idempotent.
  void stop();

  // ok: the event is durable and may be acknowledged. Waits while the
  // GroupCommit's backlog is full (back-pressure on the broker).
  Status submit(std::int64_t received_at_ms, std::string_view topic, std::string_view payload);

  PresenceInboxStats stats() const;

 private:
  // The GroupCommit's sink: one batch of journal entries.
  Status apply(std::span<const JournalEntry> entries);
  Status set_aside(const JournalEntry& entry, std::string_view reason);

  PresenceTracker& tracker_;
  DeviceLimitHits& limit_hits_;
  StreamStore& dead_letters_;
  PresenceFollowUps follow_ups_;
  std::unique_ptr<FileJournal> journal_;
  std::unique_ptr<FileCommitAttempts> attempts_;
  std::unique_ptr<GroupCommit> commit_;
};

}  // namespace edgehub::hub
